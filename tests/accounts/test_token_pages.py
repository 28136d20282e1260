"""API tokens on the web: every user's own page (/tai-khoan/khoa-api/) and the
administrator's account page (/tai-khoan/<pk>/). A key is shown once, on the page that
answers its creation; a revoked, expired or deactivated account's key is refused by the API."""

import datetime as dt
import re

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from kttt.accounts import services
from kttt.accounts.models import AccountAuditEntry, ApiToken, Role
from kttt.accounts.tokens import create_token
from tests.web import PLAIN_STORAGES, client_for, person

pytestmark = pytest.mark.django_db

API = "/api/v1/indicators?year=2021&area=109"
KEY = re.compile(r'value="(kttt_[0-9a-f]{8}_[A-Za-z0-9_-]+)"')


@pytest.fixture(autouse=True)
def _plain_static(settings):
    settings.STORAGES = PLAIN_STORAGES


@pytest.fixture
def officer(phong_tho):
    """A planning officer of Huyện Phong Thổ (109): reads the district's figures."""
    return person(Role.PLANNING, "109", username="hoa")


@pytest.fixture
def boss(phong_tho):
    return person(Role.ADMIN, username="quantri")


def api_status(key: str) -> int:
    return Client().get(API, HTTP_AUTHORIZATION=f"Bearer {key}").status_code


def shown_key(response) -> str:
    found = KEY.findall(response.content.decode())
    assert len(found) == 1
    return found[0]


def actions(user: User) -> list[tuple[str, int | None]]:
    rows = AccountAuditEntry.objects.filter(user=user).order_by("pk")
    return list(rows.values_list("action", "actor"))


def test_it_creates_a_key_shown_once_that_the_api_accepts(officer):
    client = client_for(officer)
    response = client.post("/tai-khoan/khoa-api/", {"name": "Bảng tính tổng hợp", "days": "30"})

    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    key = shown_key(response)
    token = ApiToken.objects.get(user=officer)
    assert key.startswith(f"kttt_{token.prefix}_")
    assert token.name == "Bảng tính tổng hợp"
    # Made now for 30 days: it ends on the 30th day from today.
    ends = timezone.localdate() + dt.timedelta(days=30)
    assert timezone.localtime(token.expires_at).date() == ends
    html = response.content.decode()
    assert "chỉ hiện một lần" in html or "không bao giờ hiện lại" in html
    assert f"Khóa hết hạn ngày {ends:%d/%m/%Y}" in html
    assert api_status(key) == 200
    # Nothing of the key stays in the session, nor on any page afterwards.
    assert key not in str(dict(client.session.items()))
    listing = client.get("/tai-khoan/khoa-api/").content.decode()
    assert key not in listing
    assert f"{token.prefix}…" in listing
    assert "Bảng tính tổng hợp" in listing
    assert "Đang dùng" in listing
    assert (
        key not in client_for(person(Role.ADMIN)).get(f"/tai-khoan/{officer.pk}/").content.decode()
    )
    assert actions(officer) == [("token_create", officer.pk)]


def test_without_days_the_key_never_expires(officer):
    response = client_for(officer).post("/tai-khoan/khoa-api/", {"name": "", "days": ""})

    assert response.status_code == 200
    assert ApiToken.objects.get(user=officer).expires_at is None
    assert "Khóa dùng được đến khi bị thu hồi." in response.content.decode()


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"days": "0"}, "Số ngày hiệu lực phải từ 1 đến 3.650."),
        ({"days": "3651"}, "Số ngày hiệu lực phải từ 1 đến 3.650."),
        ({"days": "1,5"}, "Phải là số nguyên"),
        ({"days": "ba mươi"}, "không phải là số"),
        ({"name": "x" * 101}, "Tên gợi nhớ dài tối đa 100 ký tự."),
    ],
)
def test_bad_input_says_why_in_vietnamese_and_makes_nothing(officer, fields, message):
    response = client_for(officer).post("/tai-khoan/khoa-api/", {"name": "", "days": ""} | fields)

    assert response.status_code == 400
    assert message in response.content.decode()
    assert not KEY.search(response.content.decode())
    assert not ApiToken.objects.exists()
    assert actions(officer) == []


def test_revoking_stops_the_api_at_once(officer):
    token, key = create_token(user=officer, name="cũ", actor=officer)
    client = client_for(officer)
    assert api_status(key) == 200

    confirm = client.get(f"/tai-khoan/khoa-api/{token.pk}/thu-hoi/")
    assert confirm.status_code == 200
    assert f"Thu hồi khóa {token.prefix}… (cũ)?" in confirm.content.decode()
    assert api_status(key) == 200  # asking is not revoking

    response = client.post(f"/tai-khoan/khoa-api/{token.pk}/thu-hoi/")
    assert response.status_code == 302
    assert response["Location"] == "/tai-khoan/khoa-api/"
    assert api_status(key) == 401
    listing = client.get("/tai-khoan/khoa-api/").content.decode()
    assert "Đã thu hồi" in listing
    assert f"/tai-khoan/khoa-api/{token.pk}/thu-hoi/" not in listing  # no second revoke
    assert actions(officer) == [("token_create", officer.pk), ("token_revoke", officer.pk)]
    # Posting again changes nothing and says so.
    again = client.post(f"/tai-khoan/khoa-api/{token.pk}/thu-hoi/", follow=True)
    assert "Khóa API này đã được thu hồi." in again.content.decode()
    assert len(actions(officer)) == 2


def test_an_expired_key_is_refused_and_listed_as_expired(officer):
    token, key = create_token(user=officer, days=1, actor=officer)
    assert api_status(key) == 200
    # The day has passed (its end moved back rather than the clock forward).
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - dt.timedelta(minutes=1))

    assert api_status(key) == 401
    assert "Hết hạn" in client_for(officer).get("/tai-khoan/khoa-api/").content.decode()


def test_a_deactivated_accounts_keys_stop_working(officer, boss):
    _token, key = create_token(user=officer, actor=officer)
    assert api_status(key) == 200

    client_for(boss).post(f"/tai-khoan/{officer.pk}/khoa-mo/")
    officer.refresh_from_db()
    assert not officer.is_active
    assert api_status(key) == 401

    services.set_active(user=officer, active=True, actor=boss)
    assert api_status(key) == 200  # reopened, the same key works again


def test_another_users_token_is_not_found_for_anyone_but_an_administrator(officer, boss):
    token, key = create_token(user=officer, actor=officer)
    stranger = client_for(person(Role.PLANNING, "109"))

    assert stranger.get(f"/tai-khoan/khoa-api/{token.pk}/thu-hoi/").status_code == 404
    assert stranger.post(f"/tai-khoan/khoa-api/{token.pk}/thu-hoi/").status_code == 404
    # The account page's revoke is for administrators: 403 for everyone else.
    assert stranger.post(f"/tai-khoan/{officer.pk}/khoa-api/{token.pk}/thu-hoi/").status_code == 403
    # Even an administrator's own list is only the administrator's own tokens.
    assert client_for(boss).post(f"/tai-khoan/khoa-api/{token.pk}/thu-hoi/").status_code == 404
    # A token named under another account than its own is not found.
    other = person(Role.VIEWER, "109")
    address = f"/tai-khoan/{other.pk}/khoa-api/{token.pk}/thu-hoi/"
    assert client_for(boss).post(address).status_code == 404
    assert api_status(key) == 200
    assert actions(officer) == [("token_create", officer.pk)]


def test_writes_need_the_csrf_token(officer):
    token, key = create_token(user=officer, actor=officer)
    client = Client(enforce_csrf_checks=True)
    client.force_login(officer)

    assert client.post("/tai-khoan/khoa-api/", {"name": "x"}).status_code == 403
    assert client.post(f"/tai-khoan/khoa-api/{token.pk}/thu-hoi/").status_code == 403
    assert ApiToken.objects.filter(user=officer).count() == 1
    assert api_status(key) == 200

    # With the token the page gives, the same post goes through.
    page = client.get("/tai-khoan/khoa-api/")
    csrf = page.cookies["csrftoken"].value
    created = client.post("/tai-khoan/khoa-api/", {"name": "x"}, HTTP_X_CSRFTOKEN=csrf)
    assert created.status_code == 200
    assert ApiToken.objects.filter(user=officer).count() == 2


def test_the_administrator_makes_and_revokes_a_users_token(officer, boss):
    client = client_for(boss)
    response = client.post(f"/tai-khoan/{officer.pk}/khoa-api/", {"name": "Kết nối tỉnh"})

    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    key = shown_key(response)
    token = ApiToken.objects.get()
    assert (token.user, token.created_by) == (officer, boss)
    assert api_status(key) == 200  # acting as the officer, with the officer's territory

    page = client.get(f"/tai-khoan/{officer.pk}/").content.decode()
    assert key not in page
    assert f"{token.prefix}…" in page
    assert "Kết nối tỉnh" in page
    assert "Tạo khóa API" in page  # the history's label
    assert f"khóa API: {token.prefix}…; tên gợi nhớ: Kết nối tỉnh" in page
    # The officer sees it on their own page too, with who made it.
    own = client_for(officer).get("/tai-khoan/khoa-api/").content.decode()
    assert f"{token.prefix}…" in own
    assert "quantri" in own

    address = f"/tai-khoan/{officer.pk}/khoa-api/{token.pk}/thu-hoi/"
    assert client.get(address).status_code == 200
    response = client.post(address)
    assert response["Location"] == f"/tai-khoan/{officer.pk}/"
    assert api_status(key) == 401
    assert actions(officer) == [("token_create", boss.pk), ("token_revoke", boss.pk)]
    assert "Thu hồi khóa API" in client.get(f"/tai-khoan/{officer.pk}/").content.decode()


def test_the_history_shows_a_tokens_end_date_the_vietnamese_way(officer, boss):
    client_for(boss).post(f"/tai-khoan/{officer.pk}/khoa-api/", {"name": "", "days": "10"})
    ends = timezone.localdate() + dt.timedelta(days=10)

    page = client_for(boss).get(f"/tai-khoan/{officer.pk}/").content.decode()
    assert f"hết hạn: {ends:%d/%m/%Y}" in page


def test_no_token_for_a_deactivated_account(officer, boss):
    services.set_active(user=officer, active=False, actor=boss)

    response = client_for(boss).post(f"/tai-khoan/{officer.pk}/khoa-api/", {"name": "x"})
    assert response.status_code == 400
    assert "Tài khoản đã bị khóa: không tạo được khóa API." in response.content.decode()
    assert not ApiToken.objects.exists()


def test_a_non_administrator_cannot_make_a_token_for_someone_else(officer):
    other = person(Role.VIEWER, "109")
    response = client_for(officer).post(f"/tai-khoan/{other.pk}/khoa-api/", {"name": "x"})

    assert response.status_code == 403
    assert not ApiToken.objects.exists()


@pytest.mark.parametrize("address", ["/tai-khoan/khoa-api/", "/tai-khoan/{pk}/"])
def test_the_lists_queries_do_not_grow_with_the_tokens(officer, boss, address):
    def count(n: int) -> int:
        for i in range(n - ApiToken.objects.filter(user=officer).count()):
            create_token(user=officer, name=f"khóa {i}", actor=boss)
        client = client_for(boss if "{pk}" in address else officer)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(address.format(pk=officer.pk))
        assert response.status_code == 200
        return len(queries)

    assert count(1) == count(3)
