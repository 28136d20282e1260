"""Two people edit the same yearly row in two browsers (issue 11): the commune officer and
the planning office open the 2024 row of a cooperative founded under the pre-reform commune
code; the officer saves; the office's save comes back refused with its input kept, who
changed what and when, and the stored value beside the field; saving again overwrites."""

import pytest

from kttt.accounts.models import Role
from kttt.registry.models import YearlyReport
from tests import factories
from tests.browser.conftest import screenshot
from tests.browser.test_browser import log_in
from tests.web import PLAIN_STORAGES, commune_officer, coop, person

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_the_second_of_two_browsers_is_told_and_may_overwrite(
    live_server, browser, settings, shots
):
    settings.STORAGES = PLAIN_STORAGES
    u = factories.units()
    officer = commune_officer()
    officer.first_name = "Nguyễn Thị Lan"  # the account pages keep the full name here
    officer.save(update_fields=["first_name"])
    office = person(Role.PLANNING, "109")
    entity = coop("620000001", u.tt_phong_tho, u.xa_phong_tho, name="HTX Phúc Hưng")
    factories.yearly(entity, 2024, members=20, revenue=500)
    YearlyReport.objects.filter(entity=entity, year=2024).update(status="draft")
    address = f"{live_server.url}/htx/{entity.code}/so-lieu/2024/"

    pages = []
    for user in (officer, office):
        page = browser.new_context(locale="vi-VN").new_page()
        log_in(page, live_server.url, user.username)
        page.goto(address)
        pages.append(page)
    by_officer, by_office = pages

    by_officer.fill("#id_members", "22")
    by_officer.click("button[type=submit].primary")
    by_officer.wait_for_url(f"{live_server.url}/htx/{entity.code}/")

    by_office.fill("#id_members", "25")
    by_office.click("button[type=submit].primary")
    by_office.wait_for_selector(".form-errors")
    alert = by_office.inner_text(".form-errors")
    assert "Nguyễn Thị Lan" in alert
    assert "Số thành viên: 20 → 22" in alert
    assert "Dữ liệu bạn nhập chưa được lưu." in alert
    assert by_office.input_value("#id_members") == "25"
    assert "Đang lưu: 22" in by_office.inner_text("#id_members_error")
    screenshot(by_office, shots / "conflict-yearly.png")
    assert YearlyReport.objects.get(entity=entity, year=2024).members == 22

    by_office.click("button[type=submit].primary")
    by_office.wait_for_url(f"{live_server.url}/htx/{entity.code}/")
    assert YearlyReport.objects.get(entity=entity, year=2024).members == 25
