"""Issue 9, point 3 in a real browser: the administrator creates a commune officer, who logs
in and changes the password. Screenshots of the account pages at 360 and 1366 px."""

import re

import pytest

from kttt.accounts.models import Role
from tests import factories
from tests.browser.test_browser import log_in, no_horizontal_overflow
from tests.web import PLAIN_STORAGES, person

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]
WIDTHS = {"phone": 360, "desktop": 1366}
FIRST = "Mat-khau-dau-2025"
CHOSEN = "Che-Shan-tuyet-9"


def test_the_administrator_creates_a_commune_officer_who_changes_the_password(
    live_server, browser, settings, shots
):
    from django.contrib.auth.models import User
    from playwright.sync_api import expect

    settings.STORAGES = PLAIN_STORAGES
    settings.AXES_ENABLED = False
    factories.units()
    person(Role.ADMIN, username="quantri")
    base = live_server.url
    admin = browser.new_context(locale="vi-VN").new_page()
    log_in(admin, base, "quantri")

    admin.get_by_role("link", name="Tài khoản", exact=True).click()
    expect(admin.locator("h1")).to_have_text("Tài khoản người dùng")
    admin.get_by_role("link", name="Tạo tài khoản").click()
    admin.fill("#id_username", "lan")
    admin.fill("#id_full_name", "Lò Thị Lan")
    admin.select_option("#id_role", "commune")
    admin.fill("#id_area", "03549")
    admin.fill("#id_password1", "123")
    admin.fill("#id_password2", "123")
    admin.get_by_role("button", name="Tạo tài khoản").click()
    expect(admin.locator(".error").first).to_contain_text("Mật khẩu quá ngắn")
    admin.fill("#id_password1", FIRST)
    admin.fill("#id_password2", FIRST)
    admin.get_by_role("button", name="Tạo tài khoản").click()
    expect(admin.locator(".messages")).to_contain_text("Đã tạo tài khoản “lan”")
    expect(admin.locator("table").first).to_contain_text("Cán bộ xã")
    expect(admin.locator("table").first).to_contain_text("Địa bàn 03549")
    for name, width in WIDTHS.items():
        admin.set_viewport_size({"width": width, "height": 900})
        admin.screenshot(path=str(shots / f"account-detail-{name}.png"), full_page=True)
    admin.set_viewport_size({"width": 360, "height": 800})
    assert no_horizontal_overflow(admin, 360)

    officer = browser.new_context(locale="vi-VN").new_page()
    officer.goto(f"{base}/dang-nhap/")
    officer.fill("#id_username", "lan")
    officer.fill("#id_password", FIRST)
    officer.click("button[type=submit].primary")
    officer.wait_for_url(f"{base}/")  # the home page (Tổng quan) after log-in
    officer.get_by_role("link", name="Đổi mật khẩu").click()
    officer.fill("#id_old_password", FIRST)
    officer.fill("#id_new_password1", CHOSEN)
    officer.fill("#id_new_password2", CHOSEN)
    for name, width in WIDTHS.items():
        officer.set_viewport_size({"width": width, "height": 800})
        officer.screenshot(path=str(shots / f"password-change-{name}.png"), full_page=True)
    officer.get_by_role("button", name="Đổi mật khẩu").click()
    expect(officer.locator(".messages")).to_contain_text("Đã đổi mật khẩu.")
    assert User.objects.get(username="lan").check_password(CHOSEN)

    admin.set_viewport_size({"width": 1366, "height": 900})
    admin.goto(f"{base}/tai-khoan/?q=lo thi")
    expect(admin.locator("table")).to_contain_text("Lò Thị Lan")
    for name, width in WIDTHS.items():
        admin.set_viewport_size({"width": width, "height": 900})
        admin.screenshot(path=str(shots / f"account-list-{name}.png"), full_page=True)
    admin.get_by_role("link", name="lan", exact=True).click()
    audit = admin.locator("section", has_text="Nhật ký thay đổi")
    expect(audit).to_contain_text("Tự đổi mật khẩu")
    expect(audit).to_contain_text("Tạo tài khoản")

    # A one-time link for a forgotten password, shown once to the administrator.
    admin.get_by_role("button", name="Cấp đường dẫn đặt mật khẩu").click()
    link = admin.locator("#reset-link").input_value()
    assert re.match(rf"{re.escape(base)}/tai-khoan/dat-mat-khau/\w+/[\w-]+/$", link)
    for name, width in WIDTHS.items():
        admin.set_viewport_size({"width": width, "height": 900})
        admin.screenshot(path=str(shots / f"account-reset-link-{name}.png"), full_page=True)


def test_the_public_products_page_on_a_phone_and_a_desktop(live_server, browser, settings, shots):
    import datetime as dt

    from playwright.sync_api import expect

    from kttt.access.scope import today
    from kttt.registry import services
    from tests.web import coop

    settings.STORAGES = PLAIN_STORAGES
    u = factories.units()
    names = ["HTX Chè Shan tuyết Phúc Hưng", "HTX Dệt thổ cẩm Sì Lở Lầu", "HTX Gạo Séng Cù"]
    for i, name in enumerate(names):
        entity = coop(
            f"P{i}",
            u.tt_phong_tho,
            u.xa_phong_tho,
            name=name,
            listed_publicly=True,
            address="Bản Pa So, xã Phong Thổ",
            phone=f"0213 000 00{i}",
        )
        services.save_ocop(
            entity=entity,
            name=f"Sản phẩm OCOP số {i + 1} của {name.removeprefix('HTX ')}",
            values={"stars": 3 + i, "recognized_on": today() - dt.timedelta(days=30)},
        )
    page = browser.new_context(locale="vi-VN").new_page()
    page.goto(f"{live_server.url}/dang-nhap/")
    page.get_by_role("link", name="Giới thiệu sản phẩm của các hợp tác xã").click()
    expect(page.locator("h1")).to_have_text("Giới thiệu sản phẩm hợp tác xã")
    expect(page.locator(".product-card")).to_have_count(3)
    page.fill("#id_q", "si lo lau")
    page.get_by_role("button", name="Tìm").click()
    expect(page.locator(".product-card")).to_have_count(1)
    expect(page.locator(".product-card")).to_contain_text("OCOP 4 sao")
    page.goto(f"{live_server.url}/gioi-thieu-san-pham/")
    for name, width in WIDTHS.items():
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=str(shots / f"products-{name}.png"), full_page=True)
    page.set_viewport_size({"width": 360, "height": 800})
    assert no_horizontal_overflow(page, 360)
