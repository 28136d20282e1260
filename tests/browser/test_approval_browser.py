"""Issue 9, point 2 in a real browser, on the demo: the representative of HTX Nông nghiệp
Phúc Hưng enters its 2025 figures and sends them, the planning office returns them with a
comment, the representative corrects and sends again, the office approves; the district's
members on the indicator page /chi-tieu/ grow by the cooperative's members only then
(the home page is another helper's: this journey reads the indicator page), and the row is
locked for the representative."""

import datetime as dt
import os

import pytest

from tests.browser.conftest import screenshot
from tests.browser.test_browser import log_in
from tests.web import PASSWORD, PLAIN_STORAGES

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PHUC_HUNG = "6200000001"


def members_shown(page, base: str) -> int:
    page.goto(f"{base}/chi-tieu/?year=2025&area=109&kind=htx")
    cell = page.locator("tr", has_text="Tổng số thành viên").locator("td a").first
    return int(cell.inner_text().replace(".", ""))


def test_figures_sent_returned_corrected_approved_and_locked(
    live_server, browser, settings, tmp_path, shots, monkeypatch
):
    from django.core.management import call_command
    from playwright.sync_api import expect

    from kttt.registry.models import YearlyReport

    settings.STORAGES = PLAIN_STORAGES
    settings.VAR_DIR = tmp_path
    call_command("load_demo", password=PASSWORD, stdout=open(os.devnull, "w"))  # noqa: SIM115
    # The year reported is last year: the clock of the page says 2026, so the journey is
    # about 2025 whatever year the tests run in (the live server shares this process).
    monkeypatch.setattr("kttt.registry.views_review.today", lambda: dt.date(2026, 2, 1))
    YearlyReport.objects.filter(entity__code=PHUC_HUNG, year=2025).delete()
    base = live_server.url

    office = browser.new_context(locale="vi-VN", viewport={"width": 1366, "height": 900})
    office_page = office.new_page()
    log_in(office_page, base, "tonghop")
    before = members_shown(office_page, base)

    rep = browser.new_context(locale="vi-VN", viewport={"width": 360, "height": 780})
    page = rep.new_page()
    log_in(page, base, "daidienhtx")
    page.get_by_role("link", name="HTX của tôi").click()
    expect(page.locator("h2").first).to_contain_text("Số liệu năm 2025")
    page.fill("#id_members", "20")
    page.fill("#id_workers", "9")
    page.fill("#id_revenue", "1.250,5")
    page.get_by_role("button", name="Gửi duyệt").click()
    expect(page.locator("[data-status]").first).to_have_text("Đã gửi")
    screenshot(page, shots / "approval-representative-360.png")
    assert members_shown(office_page, base) == before  # not approved: not official

    office_page.get_by_role("link", name="Duyệt số liệu").click()
    office_page.get_by_role("link", name="Xem và duyệt").click()
    screenshot(office_page, shots / "approval-review-1366.png")
    office_page.fill("#id_comment", "Doanh thu chưa khớp báo cáo tài chính")
    office_page.get_by_role("button", name="Trả lại (ghi ý kiến)").click()
    expect(office_page.locator("body")).to_contain_text("Đã trả lại số liệu năm 2025")

    page.reload()
    expect(page.locator("#y-kien")).to_contain_text("Doanh thu chưa khớp báo cáo tài chính")
    page.fill("#id_revenue", "1.180")
    page.get_by_role("button", name="Gửi duyệt").click()
    expect(page.locator("[data-status]").first).to_have_text("Đã gửi")

    office_page.goto(f"{base}/duyet-so-lieu/")
    office_page.get_by_role("link", name="Xem và duyệt").click()
    office_page.get_by_role("button", name="Duyệt", exact=True).click()
    expect(office_page.locator("body")).to_contain_text("Đã duyệt số liệu năm 2025")
    assert members_shown(office_page, base) == before + 20
    screenshot(office_page, shots / "approval-indicators-1366.png")

    page.reload()
    expect(page.locator("[data-status]").first).to_have_text("Đã duyệt")
    expect(page.locator("body")).to_contain_text("đã được duyệt")
    expect(page.get_by_role("button", name="Gửi duyệt")).to_have_count(0)
    screenshot(page, shots / "approval-locked-360.png")
    response = page.goto(f"{base}/htx/{PHUC_HUNG}/so-lieu/2025/")
    assert response.status == 403
    row = YearlyReport.objects.get(entity__code=PHUC_HUNG, year=2025)
    assert (row.status, row.members, row.revenue) == ("approved", 20, 1180)
    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto(f"{base}/htx-cua-toi/")
    screenshot(page, shots / "approval-representative-1366.png")
    office_page.set_viewport_size({"width": 360, "height": 780})
    office_page.goto(f"{base}/duyet-so-lieu/tinh-hinh/?year=2025&area=109")
    screenshot(office_page, shots / "approval-status-360.png")
    office.close()
    rep.close()
