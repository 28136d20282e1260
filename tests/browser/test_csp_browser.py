"""Issue 11 in a real browser: under the Content-Security-Policy the planning office of the
demo goes through the pages that carry scripts, styles and images (the home page and its
charts, the indicators page and the list of cooperatives, whose filters swap results with
htmx, the narrative's copy button, the one-time API key field, the API's Swagger UI) and the
browser reports no violation: nothing of the pages is blocked."""

import os

import pytest

from tests.web import PASSWORD, PLAIN_STORAGES

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

# Every violation the page sees, kept where the test can read it: the listener is added by
# the browser before any script of the page runs (an init script is not subject to the
# page's policy).
LISTEN = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__violations.push(e.violatedDirective + " " + (e.blockedURI || "inline"));
});
"""


def violations(page) -> list[str]:  # type: ignore[no-untyped-def]
    return list(page.evaluate("window.__violations || []"))


def test_no_page_breaks_the_content_security_policy(live_server, browser, settings, tmp_path):
    from django.core.management import call_command
    from playwright.sync_api import expect

    settings.STORAGES = PLAIN_STORAGES
    settings.VAR_DIR = tmp_path
    call_command("load_demo", password=PASSWORD, stdout=open(os.devnull, "w"))  # noqa: SIM115
    context = browser.new_context(locale="vi-VN")
    context.add_init_script(LISTEN)
    page = context.new_page()
    console: list[str] = []
    page.on("console", lambda m: console.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: console.append(str(e)))
    seen: list[str] = []

    def check(where: str) -> None:
        page.wait_for_load_state("load")
        seen.extend(f"{where}: {v}" for v in violations(page))

    page.goto(f"{live_server.url}/")
    page.fill("#id_username", "tonghop")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit].primary")
    page.wait_for_url(f"{live_server.url}/")
    response = page.request.get(f"{live_server.url}/")
    assert "default-src 'self'" in response.headers["content-security-policy"]

    # The home page: its charts are inline SVG, drawn in their colours (a blocked style=""
    # would leave the bars black).
    expect(page.locator("svg.chart")).to_have_count(4)
    bar = page.locator('svg.chart path[fill="#0b5cad"]').first
    assert bar.evaluate("e => getComputedStyle(e).fill") == "rgb(11, 92, 173)"
    check("/")

    # The indicators page: changing the year swaps the results through htmx, without
    # reloading the page.
    page.goto(f"{live_server.url}/chi-tieu/")
    page.evaluate("window.__same_page = true")
    page.select_option("#id_year", "2021")
    page.wait_for_url("**/chi-tieu/?*year=2021*")
    expect(page.locator("#results")).to_contain_text("2021")
    assert page.evaluate("window.__same_page") is True  # swapped, not reloaded
    check("/chi-tieu/")

    # The narrative's "Sao chép" button runs from static/kttt/app.js.
    context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.goto(f"{live_server.url}/chi-tieu/hien-trang/?year=2024")
    copy = page.locator("[data-copy]")
    copy.click()
    expect(copy).to_have_text("Đã sao chép")
    check("/chi-tieu/hien-trang/")

    # The list of cooperatives: a search swaps the rows through htmx.
    page.goto(f"{live_server.url}/htx/")
    page.evaluate("window.__same_page = true")
    page.fill("#id_q", "zzzz-khong-co")
    expect(page.locator("#results")).not_to_contain_text("Phong Thổ", timeout=5000)
    assert page.evaluate("window.__same_page") is True
    check("/htx/")

    # A new API key, shown once: the field selects itself when focused (app.js).
    page.goto(f"{live_server.url}/tai-khoan/khoa-api/")
    page.fill("#id_name", "Thử CSP")
    page.get_by_role("button", name="Tạo khóa API").click()
    key = page.locator("#api-key")
    key.focus()
    whole = "e => e.selectionStart === 0 && e.selectionEnd === e.value.length && e.value !== ''"
    assert key.evaluate(whole) is True
    check("/tai-khoan/khoa-api/")

    # The API's Swagger UI, served from the site: it draws the operations.
    page.goto(f"{live_server.url}/api/v1/docs/")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("KTTT API")
    operation = page.locator(".opblock").first
    operation.locator(".opblock-summary").click()  # opened: selects drawn with data: arrows
    expect(operation.locator("select").first).to_be_visible()
    check("/api/v1/docs/")

    assert seen == []
    assert [m for m in console if "Content Security Policy" in m] == []
    context.close()
