"""Issue 8 in a real browser: the planning office and the commune officer of the demo make
their annual report on 2024 (a year before the reform) from the Reports page, write section
V themselves, enter it in the register and download the .docx that an official signs."""

import os
from pathlib import Path

import pytest
from docx import Document as read_docx

from tests.browser.test_browser import log_in
from tests.web import PASSWORD, PLAIN_STORAGES

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def docx_text(path: Path) -> str:
    doc = read_docx(path)
    parts = [p.text for p in doc.paragraphs]
    parts += [c.text for t in doc.tables for row in t.rows for c in row.cells]
    return "\n".join(parts)


@pytest.mark.parametrize(
    ("username", "area", "agency", "place"),
    [
        ("tonghop", "109", "PHÒNG TÀI CHÍNH - KẾ HOẠCH", "Phong Thổ"),
        # 03549 read at 31/12/2024 is Thị trấn Phong Thổ, whose People's Committee issued
        # reports dated before the reform.
        ("canboxa", "03549", "ỦY BAN NHÂN DÂN THỊ TRẤN PHONG THỔ", "Phong Thổ"),
    ],
)
def test_a_2024_report_made_registered_and_downloaded(
    live_server, browser, settings, tmp_path, shots, username, area, agency, place
):
    from django.core.management import call_command
    from playwright.sync_api import expect

    from kttt.documents.models import Report

    settings.STORAGES = PLAIN_STORAGES
    settings.VAR_DIR = tmp_path
    call_command("load_demo", password=PASSWORD, stdout=open(os.devnull, "w"))  # noqa: SIM115
    context = browser.new_context(locale="vi-VN", accept_downloads=True)
    page = context.new_page()
    log_in(page, live_server.url, username)

    page.get_by_role("link", name="Báo cáo", exact=True).click()
    expect(page.locator("h1")).to_contain_text("Sổ báo cáo")
    page.get_by_role("link", name="Lập báo cáo").click()
    page.select_option("#id_kind", "annual")
    page.fill("#id_year", "2024")
    page.select_option("#id_area", area)
    page.fill("#id_issued_on", "20/01/2025")
    page.get_by_role("button", name="Chọn").click()
    expect(page.get_by_role("heading", name="2. Kiểm tra số liệu")).to_be_visible()
    expect(page.locator("#id_agency")).to_have_value(agency)
    mine = f"Ghi chú của {username}: một số HTX nộp báo cáo chậm so với hạn 15/01."
    page.fill("#id_problems", mine)
    page.get_by_role("button", name="Xem trước").click()
    expect(page.locator(".report-preview")).to_contain_text(mine)
    page.screenshot(path=str(shots / f"report-preview-{username}.png"), full_page=True)
    page.get_by_role("button", name="Vào sổ và tải về").click()
    expect(page.locator("h1")).to_contain_text("Báo cáo số 01/")

    report = Report.objects.get()
    assert report.year == 2024
    assert report.area_code == area
    assert report.created_by.get_username() == username
    assert report.problems == mine

    with page.expect_download() as download:
        page.get_by_role("link", name="Tải về .docx").click()
    path = tmp_path / "bao-cao.docx"
    download.value.save_as(path)
    text = docx_text(path)
    assert agency in text
    assert f"{place}, ngày 20 tháng 01 năm 2025" in text
    assert "năm 2024" in text
    assert mine in text
    assert "Nơi nhận:" in text
    context.close()
