"""Issue 9 in a real browser: the planning office of the demo logs in, lands on Tổng quan,
reads the 2021 figures of the plan's section II, on a 360 px phone and a 1366 px screen
(screenshots saved), and follows a figure to the cooperatives behind it."""

import os

import pytest

from tests.browser.test_browser import no_horizontal_overflow
from tests.web import PASSWORD, PLAIN_STORAGES

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.mark.parametrize("width", [360, 1366])
def test_the_home_page_of_2021_on_a_phone_and_a_screen(
    live_server, browser, settings, tmp_path, shots, width
):
    from django.core.management import call_command
    from playwright.sync_api import expect

    settings.STORAGES = PLAIN_STORAGES
    settings.VAR_DIR = tmp_path
    call_command("load_demo", password=PASSWORD, stdout=open(os.devnull, "w"))  # noqa: SIM115
    phone = width < 700
    context = browser.new_context(
        viewport={"width": width, "height": 800 if phone else 900},
        locale="vi-VN",
        is_mobile=phone,
        has_touch=phone,
    )
    page = context.new_page()
    page.goto(f"{live_server.url}/")
    assert "/dang-nhap/" in page.url
    page.fill("#id_username", "tonghop")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit].primary")
    page.wait_for_url(f"{live_server.url}/")  # the log-in lands on the home page
    expect(page.locator("h1")).to_contain_text("Tổng quan")

    page.select_option("#id_year", "2021")
    page.get_by_role("button", name="Xem").click()
    page.wait_for_url("**/?year=2021*")
    tiles = page.locator(".kpi")
    for code, shown in (
        ("coops_active", "27"),
        ("members", "213"),
        ("capital", "63.090"),
        ("income_avg", "46,5"),
        ("tax", "1.152"),
    ):
        expect(page.locator(f'.kpi[data-code="{code}"] .kpi-value')).to_have_text(shown)
    assert tiles.count() == 10
    expect(page.locator("svg")).to_have_count(4)
    assert no_horizontal_overflow(page, width)
    page.screenshot(path=str(shots / f"home-2021-{width}.png"), full_page=True)

    page.locator('.kpi[data-code="members"] .kpi-value').click()
    page.wait_for_url("**/chi-tieu/members/?year=2021*")
    expect(page.locator("h1")).to_contain_text("thành viên")
    context.close()
