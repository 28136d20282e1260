"""The pages in a real browser: Debian's Chromium driven by Playwright against the live
test server. Screenshots go to $KTTT_SCREENSHOT_DIR when set (for a person to look at)."""

import os
import re
import shutil
from pathlib import Path

import pytest

from tests import factories
from tests.browser.conftest import CHROMIUM, PHONE
from tests.web import PASSWORD, PLAIN_STORAGES, commune_officer, coop

pytestmark = [
    pytest.mark.browser,
    # serialized_rollback: the flush after a transactional test must not lose the units
    # loaded by the data migration for the tests that follow.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def world(settings):
    settings.STORAGES = PLAIN_STORAGES
    u = factories.units()
    officer = commune_officer()
    officer.first_name, officer.last_name = "Lan", "Nguyễn Thị"
    officer.save(update_fields=["first_name", "last_name"])
    names = [
        "HTX Nông nghiệp Phúc Hưng",
        "HTX Dịch vụ tổng hợp Thanh Bình",
        "HTX Xây dựng và vật liệu Đông Phong Thổ",
        "Tổ hợp tác chăn nuôi Ân Thịnh",
    ]
    entities = [
        coop(f"62000000{i}", u.tt_phong_tho, u.xa_phong_tho, name=name, address="Bản Pa So")
        for i, name in enumerate(names)
    ]
    return officer, entities[0]


def no_horizontal_overflow(page, width: int = PHONE["width"]) -> bool:
    """Measured against the width asked for: a mobile browser widens its layout viewport
    (window.innerWidth) to whatever overflows."""
    return page.evaluate(
        "w => document.documentElement.scrollWidth <= w && document.body.scrollWidth <= w",
        width,
    )


def log_in(page, base: str, username: str) -> None:
    page.goto(f"{base}/htx/")
    assert "/dang-nhap/" in page.url
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit].primary")
    page.wait_for_url(f"{base}/htx/")


def test_it_searches_opens_and_adds_a_yearly_row_on_a_phone(live_server, browser, world, shots):
    from playwright.sync_api import expect

    officer, phuc_hung = world
    context = browser.new_context(viewport=PHONE, locale="vi-VN", is_mobile=True, has_touch=True)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    # A search typed quickly cancels the previous request (ERR_ABORTED): not an error.
    page.on(
        "requestfailed",
        lambda req: "ABORTED" in (req.failure or "") or errors.append(f"{req.url} {req.failure}"),
    )

    log_in(page, live_server.url, officer.username)
    expect(page.locator("#results")).to_contain_text("Thanh Bình")
    assert no_horizontal_overflow(page)
    page.screenshot(path=str(shots / "list-phone.png"), full_page=True)

    # HTMX: typing filters the table in place and records the search in the address.
    page.fill("#id_q", "phuc hung")
    expect(page.locator("#results")).not_to_contain_text("Thanh Bình")
    expect(page.locator("#results")).to_contain_text("HTX Nông nghiệp Phúc Hưng")
    expect(page).to_have_url(re.compile(r"/htx/\?.*q=phuc(\+|%20)hung"))
    assert no_horizontal_overflow(page)

    page.click("text=HTX Nông nghiệp Phúc Hưng")
    page.wait_for_url(f"**/htx/{phuc_hung.code}/")
    page.click("text=Thêm số liệu năm")
    page.fill("#id_year", "2021")
    page.fill("#id_members", "213")
    page.fill("#id_charter_capital", "63.090")
    page.fill("#id_income_avg", "46,5")
    page.click("button[type=submit].primary")
    page.wait_for_url(f"**/htx/{phuc_hung.code}/")
    yearly = page.locator("table.yearly")
    expect(yearly).to_contain_text("63.090")
    expect(yearly).to_contain_text("46,5")
    expect(yearly).to_contain_text("2021")
    assert "2.021" not in yearly.inner_text()
    assert no_horizontal_overflow(page)
    page.screenshot(path=str(shots / "detail-phone.png"), full_page=True)
    assert errors == []
    context.close()


def test_it_shows_a_vietnamese_error_next_to_a_wrong_number(live_server, browser, world, shots):
    officer, phuc_hung = world
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-US")
    page = context.new_page()
    log_in(page, live_server.url, officer.username)
    page.goto(f"{live_server.url}/htx/{phuc_hung.code}/so-lieu/them/")
    page.fill("#id_year", "2021")
    page.fill("#id_workers", "10")
    page.fill("#id_workers_trained", "12")
    page.fill("#id_members", "abc")
    page.click("button[type=submit].primary")
    assert page.locator("#id_members_error").inner_text() == "“abc” không phải là số"
    assert page.locator("#id_workers_trained_error").inner_text() == (
        "Lao động qua đào tạo (12) nhiều hơn lao động thường xuyên (10)"
    )
    page.screenshot(path=str(shots / "yearly-form-errors.png"), full_page=True)
    page.goto(f"{live_server.url}/htx/{phuc_hung.code}/")
    page.screenshot(path=str(shots / "detail-desktop.png"), full_page=True)
    context.close()


def test_the_cooperative_page_fits_a_360_px_phone(live_server, browser, world, shots):
    """Issue 9: the cooperative's page, with figures, products and its history, read on the
    narrowest phone in use; and on an office screen."""
    officer, phuc_hung = world
    factories.yearly(
        phuc_hung,
        2021,
        members=213,
        workers=79,
        charter_capital="63090",
        revenue="19682",
        profit="-1234.5",
        income_avg="46.5",
        tax=1152,
        grade="kha",
    )
    for width in (360, 1366):
        context = browser.new_context(
            viewport={"width": width, "height": 800}, locale="vi-VN", is_mobile=width < 700
        )
        page = context.new_page()
        log_in(page, live_server.url, officer.username)
        page.goto(f"{live_server.url}/htx/{phuc_hung.code}/")
        assert "63.090" in page.locator("table.yearly").inner_text()
        assert no_horizontal_overflow(page, width), width
        page.screenshot(path=str(shots / f"cooperative-{width}.png"), full_page=True)
        context.close()


def test_chromium_location_is_documented_in_the_failure_message():
    """Guard the promise of the brief: a missing browser names the package to install."""
    assert shutil.which("chromium") in (None, CHROMIUM) or Path(CHROMIUM).exists()


# --- issue 7: the territory's own people re-import their export, across the reform -------


def indicator(code: str, year: int, area: str) -> int:
    import io
    import json

    from django.core.management import call_command

    out = io.StringIO()
    call_command("indicators", year=year, area=area, format="json", stdout=out)
    return int(json.loads(out.getvalue())["indicators"][code])


def workbook_rows(path: Path) -> dict[str, list[tuple]]:
    from openpyxl import load_workbook

    book = load_workbook(path, read_only=True)
    return {sheet.title: [tuple(r) for r in sheet.iter_rows(values_only=True)] for sheet in book}


@pytest.mark.parametrize(
    ("username", "new_code", "commune", "commune_name"),
    [
        # Xã Huổi Luông went into the commune officer's Xã Phong Thổ on 01/7/2025.
        ("canboxa", "HL-2018", "03490", "Xã Huổi Luông"),
        # Xã Mù Sang, a commune of the district the planning office served.
        ("tonghop", "MS-2018", "3568", "Xã Mù Sang"),
    ],
)
def test_it_lets_the_territorys_people_re_import_their_export_with_a_pre_2025_cooperative(
    live_server, browser, settings, tmp_path, shots, username, new_code, commune, commune_name
):
    """Done when of issue 7: download the list, add a cooperative founded 15/03/2018 in a
    pre-2025 commune of the territory (type written "hop tac xa"), upload, confirm: accepted,
    nothing else changed, its page opens, it counts in the 2021 indicators of the commune."""
    from django.core.management import call_command
    from openpyxl import load_workbook
    from playwright.sync_api import expect

    from kttt.registry.models import Entity, Kind

    settings.STORAGES = PLAIN_STORAGES
    settings.VAR_DIR = tmp_path
    call_command("load_demo", password=PASSWORD, stdout=open(os.devnull, "w"))  # noqa: SIM115
    active_2021 = indicator("coops_active", 2021, commune)
    context = browser.new_context(locale="vi-VN", accept_downloads=True)
    page = context.new_page()
    log_in(page, live_server.url, username)

    with page.expect_download() as download:
        page.get_by_role("link", name="Xuất Excel").click()
    exported = tmp_path / "export.xlsx"
    download.value.save_as(exported)
    before = workbook_rows(exported)
    assert len(before["HTX"]) > 1  # their own cooperatives, pre-2025 codes among them

    book = load_workbook(exported)
    sheet = book["HTX"]
    headers = [c.value for c in sheet[1]]
    row = dict.fromkeys(headers)
    row.update(
        {
            "Mã số HTX": new_code,
            "Tên": f"HTX thử nghiệm {commune_name}",
            "Loại hình": "hop tac xa",
            "Mã xã": commune,
            "Lĩnh vực": "nong nghiep",
            "Ngày thành lập": "15/03/2018",
        }
    )
    sheet.append([row[h] for h in headers])
    upload = tmp_path / "upload.xlsx"
    book.save(upload)

    page.goto(f"{live_server.url}/nhap-excel/")
    page.set_input_files("input[type=file]", str(upload))
    page.get_by_role("button", name="Kiểm tra tệp").click()
    expect(page.get_by_role("button", name="Xác nhận nhập")).to_be_visible()
    page.screenshot(path=str(shots / f"import-preview-{username}.png"), full_page=True)
    page.get_by_role("button", name="Xác nhận nhập").click()
    expect(page.locator("h1")).to_contain_text("Đã nhập xong")

    created = Entity.objects.get(code=new_code)
    assert created.kind == Kind.HTX
    assert created.locations.get().unit.name == commune_name
    response = page.goto(f"{live_server.url}/htx/{new_code}/")
    assert response is not None
    assert response.status == 200
    expect(page.locator("h1")).to_contain_text(f"HTX thử nghiệm {commune_name}")

    # Nothing else changed: the same export, plus the one new row.
    with page.expect_download() as download:
        page.goto(f"{live_server.url}/htx/")
        page.get_by_role("link", name="Xuất Excel").click()
    again = tmp_path / "again.xlsx"
    download.value.save_as(again)
    after = workbook_rows(again)
    added = [r for r in after["HTX"] if r[headers.index("Mã số HTX")] == new_code]
    assert len(added) == 1
    assert sorted(r for r in after["HTX"] if r not in added) == sorted(before["HTX"])
    assert {k: v for k, v in after.items() if k != "HTX"} == {
        k: v for k, v in before.items() if k != "HTX"
    }
    assert indicator("coops_active", 2021, commune) == active_2021 + 1
    context.close()
