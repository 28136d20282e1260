"""Log-in and log-out pages, and django-axes locking out password guessing."""

import pytest
from django.urls import reverse

from tests.web import PASSWORD, PLAIN_STORAGES, commune_officer

pytestmark = pytest.mark.django_db
LOGIN = "/dang-nhap/"


@pytest.fixture(autouse=True)
def _plain_static(settings):
    settings.STORAGES = PLAIN_STORAGES


@pytest.fixture
def lan(db):
    return commune_officer()


def test_it_shows_a_vietnamese_login_page(client):
    response = client.get(LOGIN)
    assert response.status_code == 200
    assert '<html lang="vi">' in response.text
    for expected in ("Đăng nhập", "Tên đăng nhập", "Mật khẩu"):
        assert expected in response.text
    assert "Danh sách HTX" not in response.text  # no menu before logging in


def test_it_logs_in_and_lands_on_the_home_page(client, lan):
    response = client.post(LOGIN, {"username": lan.username, "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("overview:home")
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert "Đăng xuất" in page.text


def test_it_goes_back_to_the_page_asked_for(client, lan):
    response = client.post(
        LOGIN, {"username": lan.username, "password": PASSWORD, "next": "/areas/"}
    )
    assert response["Location"] == "/areas/"


def test_it_refuses_a_wrong_password_in_vietnamese(client, lan):
    response = client.post(LOGIN, {"username": lan.username, "password": "sai"})
    assert response.status_code == 200
    assert "Tên đăng nhập hoặc mật khẩu không đúng" in response.text
    assert "_auth_user_id" not in client.session


def test_it_answers_in_vietnamese_even_to_an_english_browser(client, lan):
    response = client.post(
        LOGIN, {"username": lan.username, "password": "sai"}, HTTP_ACCEPT_LANGUAGE="en-US,en"
    )
    assert "Tên đăng nhập hoặc mật khẩu không đúng" in response.text


def test_it_logs_out_only_with_a_post(client, lan):
    client.force_login(lan)
    assert client.get("/dang-xuat/").status_code == 405
    response = client.post("/dang-xuat/")
    assert response.status_code == 302
    assert response["Location"] == reverse("login")
    assert client.get("/htx/").status_code == 302


def test_it_locks_out_after_repeated_failures(client, lan, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        response = client.post(LOGIN, {"username": lan.username, "password": "sai"})
        assert response.status_code == 200
    locked = client.post(LOGIN, {"username": lan.username, "password": "sai"})
    assert locked.status_code == 429
    assert "Tạm khóa đăng nhập" in locked.text
    assert "nhập sai mật khẩu quá nhiều lần" in locked.text
    # Even the right password is refused while locked.
    again = client.post(LOGIN, {"username": lan.username, "password": PASSWORD})
    assert again.status_code == 429
    assert "_auth_user_id" not in client.session
