"""A user's own API key in a real browser: made from the top bar's link, shown once, used
against the API, then revoked after the confirmation. Screenshots at 360 and 1366 px."""

import re

import pytest

from kttt.accounts.models import Role
from tests import factories
from tests.browser.conftest import screenshot
from tests.browser.test_browser import log_in, no_horizontal_overflow
from tests.web import PLAIN_STORAGES, person

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]
WIDTHS = {"phone": 360, "desktop": 1366}


def test_a_planning_officer_makes_uses_and_revokes_a_key(live_server, browser, settings, shots):
    from playwright.sync_api import expect

    settings.STORAGES = PLAIN_STORAGES
    settings.AXES_ENABLED = False
    factories.units()
    hoa = person(Role.PLANNING, "109", username="hoa")
    hoa.first_name = "Nguyễn Thị Hoa Phượng"  # a long name in the top bar
    hoa.save(update_fields=["first_name"])
    base = live_server.url
    context = browser.new_context(locale="vi-VN")
    page = context.new_page()
    log_in(page, base, "hoa")

    page.get_by_role("link", name="Khóa API", exact=True).click()
    expect(page.locator("h1")).to_have_text("Khóa API của tôi")
    page.fill("#id_name", "Bảng tính tổng hợp")
    page.fill("#id_days", "0")
    page.get_by_role("button", name="Tạo khóa API").click()
    expect(page.locator(".error").first).to_contain_text("Số ngày hiệu lực phải từ 1 đến 3.650.")
    page.fill("#id_days", "90")
    page.get_by_role("button", name="Tạo khóa API").click()
    expect(page.locator("h1")).to_have_text("Khóa API mới")
    key = page.input_value("#api-key")
    assert re.fullmatch(r"kttt_[0-9a-f]{8}_[A-Za-z0-9_-]+", key)
    for name, width in WIDTHS.items():
        page.set_viewport_size({"width": width, "height": 800})
        screenshot(page, shots / f"token-created-{name}.png")
        assert width > 360 or no_horizontal_overflow(page, 360)

    # Another program: no session, only the key.
    program = browser.new_context().request
    api = program.get(
        f"{base}/api/v1/indicators?year=2021&area=109",
        headers={"Authorization": f"Bearer {key}"},
    )
    assert api.status == 200

    page.get_by_role("link", name="Tôi đã lưu khóa").click()
    expect(page.locator("table")).to_contain_text("Bảng tính tổng hợp")
    expect(page.locator("table")).to_contain_text("Đang dùng")
    assert key not in page.content()
    for name, width in WIDTHS.items():
        page.set_viewport_size({"width": width, "height": 800})
        screenshot(page, shots / f"token-list-{name}.png")
        assert width > 360 or no_horizontal_overflow(page, 360)

    page.get_by_role("link", name="Thu hồi").click()
    expect(page.locator("h1")).to_have_text("Thu hồi khóa API")
    page.get_by_role("button", name="Thu hồi").click()
    expect(page.locator(".messages")).to_contain_text("Đã thu hồi khóa API")
    expect(page.locator("table")).to_contain_text("Đã thu hồi")
    api = program.get(
        f"{base}/api/v1/indicators?year=2021&area=109",
        headers={"Authorization": f"Bearer {key}"},
    )
    assert api.status == 401
