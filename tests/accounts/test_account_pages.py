"""The administrator's account pages (/tai-khoan/) and every user's own password page."""

import re

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.test import Client

from kttt.accounts.models import AccountAuditEntry, Membership, Role
from kttt.plans.models import ImplementingUnit
from tests import factories
from tests.web import PASSWORD, PLAIN_STORAGES, client_for, person

pytestmark = pytest.mark.django_db
NEW_PASSWORD = "Rau-cai-Mèo-2025"


@pytest.fixture(autouse=True)
def _plain_static(settings):
    settings.STORAGES = PLAIN_STORAGES
    settings.AXES_ENABLED = False


@pytest.fixture
def boss(phong_tho):
    user = person(Role.ADMIN, username="quantri")
    return user


def create(client, **fields):
    data = {"username": "lan", "full_name": "Lò Thị Lan", "email": "", "role": "commune"}
    data |= {"area": "03549", "cooperative": "", "unit": "", "password1": "", "password2": ""}
    return client.post("/tai-khoan/them/", data | fields)


def test_it_creates_a_commune_officer_with_a_password_who_logs_in(boss):
    response = create(client_for(boss), password1=NEW_PASSWORD, password2=NEW_PASSWORD)

    lan = User.objects.get(username="lan")
    assert response.status_code == 302
    assert response["Location"] == f"/tai-khoan/{lan.pk}/"
    assert lan.first_name == "Lò Thị Lan"
    assert [(m.role, m.area_code) for m in lan.memberships.all()] == [("commune", "03549")]
    assert not lan.is_superuser
    assert Client().login(username="lan", password=NEW_PASSWORD)
    actions = list(AccountAuditEntry.objects.filter(user=lan).values_list("action", "actor"))
    assert sorted(actions) == [("create", boss.pk), ("role_add", boss.pk)]


def test_without_a_password_it_shows_a_one_time_link_that_sets_one(boss):
    response = create(client_for(boss))

    lan = User.objects.get(username="lan")
    assert not lan.has_usable_password()
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    link = re.search(r'value="http://testserver(/tai-khoan/dat-mat-khau/[^"]+)"', response.text)
    assert link is not None
    assert mail.outbox == []  # no mail server configured

    visitor = Client()
    form = visitor.get(link.group(1), follow=True)
    assert "Mật khẩu mới" in form.text
    done = visitor.post(
        form.redirect_chain[-1][0],
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert done.status_code == 302
    assert Client().login(username="lan", password=NEW_PASSWORD)
    used = Client().get(link.group(1), follow=True)
    assert "không còn dùng được" in used.text
    assert AccountAuditEntry.objects.filter(user=lan, action="password_set", actor=None).exists()


def test_the_link_is_emailed_when_a_mail_server_is_configured(boss, settings):
    settings.EMAIL_HOST = "smtp.example.vn"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"

    response = create(client_for(boss), email="lan@phongtho.vn")

    assert "Đã gửi đường dẫn tới lan@phongtho.vn" in response.text
    assert [m.to for m in mail.outbox] == [["lan@phongtho.vn"]]
    assert "/tai-khoan/dat-mat-khau/" in mail.outbox[0].body


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"role": "commune", "area": ""}, "cần mã địa bàn"),
        ({"role": "admin", "area": "109"}, "không dùng mã địa bàn"),
        ({"role": "planning", "area": "99999"}, "Không có đơn vị hành chính mã 99999"),
        ({"role": "cooperative", "area": ""}, "cần mã số HTX"),
        ({"role": "cooperative", "area": "", "cooperative": "KHONGCO"}, "Không có HTX mã số"),
        ({"role": "viewer", "cooperative": "X"}, "chỉ dùng với vai trò Đại diện HTX"),
        ({"username": "co dau cach"}, "Tên đăng nhập chỉ gồm chữ"),
        ({"password1": "12345678", "password2": "12345678"}, "Mật khẩu này quá phổ biến"),
        ({"password1": "abc", "password2": "abc"}, "Mật khẩu quá ngắn"),
        ({"password1": NEW_PASSWORD, "password2": "khac"}, "không khớp"),
        ({"email": "khong-phai-thu"}, "thư điện tử không hợp lệ"),
    ],
)
def test_it_refuses_wrong_input_in_vietnamese_and_creates_nothing(boss, fields, message):
    response = create(client_for(boss), **fields)

    assert response.status_code == 400
    assert message in response.text
    assert not User.objects.filter(username__in=["lan", "co dau cach"]).exists()
    assert not AccountAuditEntry.objects.exists()


def test_a_user_name_is_taken_whatever_its_case(boss):
    person(Role.VIEWER, "109", username="Lan")

    response = create(client_for(boss))

    assert response.status_code == 400
    assert "đã có người dùng" in response.text


def test_roles_are_added_with_their_unit_and_removed(boss):
    lan = person(Role.COMMUNE, "03549", username="lan")
    unit = ImplementingUnit.objects.create(
        name="UBND xã Phong Thổ", kind="commune", area_code="03549"
    )
    client = client_for(boss)
    data = {"role": "commune", "area": "3577", "cooperative": "", "unit": unit.pk}

    assert client.post(f"/tai-khoan/{lan.pk}/vai-tro/", data).status_code == 302
    again = client.post(f"/tai-khoan/{lan.pk}/vai-tro/", data)

    assert "đã có vai trò này" in again.text
    added = lan.memberships.get(area_code="03577")
    assert (added.implementing_unit, added.department) == (unit, "UBND xã Phong Thổ")
    client.post(f"/tai-khoan/{lan.pk}/vai-tro/{added.pk}/bo/")
    assert list(lan.memberships.values_list("area_code", flat=True)) == ["03549"]
    page = client.get(f"/tai-khoan/{lan.pk}/")
    assert "Thêm vai trò" in page.text
    assert "Bỏ vai trò" in page.text
    assert "mã địa bàn: 03577" in page.text  # the audit, on the account's page


def test_an_admin_role_makes_a_superuser_and_removing_it_ends_that(boss):
    lan = person(Role.VIEWER, "109", username="lan")
    client = client_for(boss)
    client.post(f"/tai-khoan/{lan.pk}/vai-tro/", {"role": "admin", "area": "", "cooperative": ""})
    lan.refresh_from_db()
    assert lan.is_superuser
    assert lan.is_staff

    client.post(f"/tai-khoan/{lan.pk}/vai-tro/{lan.memberships.get(role='admin').pk}/bo/")

    lan.refresh_from_db()
    assert not lan.is_superuser
    assert not lan.is_staff


def test_an_admin_cannot_deactivate_themself_or_drop_their_admin_role(boss):
    client = client_for(boss)

    client.post(f"/tai-khoan/{boss.pk}/khoa-mo/")
    page = client.post(f"/tai-khoan/{boss.pk}/vai-tro/{boss.memberships.get().pk}/bo/", follow=True)

    boss.refresh_from_db()
    assert boss.is_active
    assert boss.memberships.filter(role="admin").exists()
    assert "Không thể tự bỏ vai trò quản trị" in page.text
    assert not AccountAuditEntry.objects.exists()


def test_a_deactivated_account_cannot_log_in_and_its_session_ends(boss):
    lan = person(Role.COMMUNE, "03549", username="lan")
    lans_session = client_for(lan)
    client = client_for(boss)

    client.post(f"/tai-khoan/{lan.pk}/khoa-mo/")

    assert lans_session.get("/htx/")["Location"].startswith("/dang-nhap/")
    assert not Client().login(username="lan", password=PASSWORD)
    assert client.post(f"/tai-khoan/{lan.pk}/duong-dan-mat-khau/", follow=True).status_code == 200
    assert not AccountAuditEntry.objects.filter(action="reset_link").exists()
    client.post(f"/tai-khoan/{lan.pk}/khoa-mo/")
    assert Client().login(username="lan", password=PASSWORD)
    assert list(
        AccountAuditEntry.objects.filter(user=lan).order_by("pk").values_list("action", flat=True)
    ) == ["deactivate", "reactivate"]
    assert User.objects.filter(username="lan").exists()  # never deleted


def test_the_list_searches_without_diacritics_and_by_state(boss):
    person(Role.COMMUNE, "03549", username="lan")
    User.objects.filter(username="lan").update(first_name="Lò Thị Lan")
    hung = person(Role.VIEWER, "109", username="hung")
    hung.is_active = False
    hung.save(update_fields=["is_active"])
    client = client_for(boss)

    found = client.get("/tai-khoan/", {"q": "lo thi"})
    inactive = client.get("/tai-khoan/", {"active": "0"})

    assert "lan" in found.text
    assert "hung" not in found.text
    assert "hung" in inactive.text
    assert ">lan<" not in inactive.text


def test_the_list_asks_the_same_number_of_queries_for_1_or_3_accounts(
    boss, django_assert_max_num_queries
):
    client = client_for(boss)
    person(Role.VIEWER, "109")
    client.get("/tai-khoan/")
    with django_assert_max_num_queries(8) as one:
        client.get("/tai-khoan/?q=a")
    person(Role.VIEWER, "109")
    person(Role.COMMUNE, "03549")
    with django_assert_max_num_queries(len(one.captured_queries)):
        client.get("/tai-khoan/?q=a")


def test_every_user_changes_their_own_password_in_vietnamese(phong_tho):
    coop = factories.entity("6200000001", phong_tho.tt_phong_tho)
    rep = factories.user_with_role(Role.COOPERATIVE, cooperative=coop, username="daidien")
    client = client_for(rep)

    wrong = client.post(
        "/tai-khoan/mat-khau/",
        {"old_password": "sai", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    weak = client.post(
        "/tai-khoan/mat-khau/",
        {"old_password": PASSWORD, "new_password1": "daidien", "new_password2": "daidien"},
    )
    done = client.post(
        "/tai-khoan/mat-khau/",
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
        follow=True,
    )

    assert "Mật khẩu cũ không chính xác" in wrong.text
    assert "Mật khẩu quá ngắn" in weak.text
    assert "giống với" in weak.text
    assert "Đã đổi mật khẩu." in done.text  # and still logged in
    assert Client().login(username="daidien", password=NEW_PASSWORD)
    entry = AccountAuditEntry.objects.get()
    assert (entry.action, entry.actor, entry.user) == ("password_chg", rep, rep)
    assert Membership.objects.filter(user=rep).count() == 1
