"""Issue 11: the headers of a production site on every page: Content-Security-Policy,
Permissions-Policy, Cache-Control for what a logged-in user sees (the API and downloads
keep the caching they chose), Referrer-Policy and Cross-Origin-Opener-Policy."""

import pytest
from django.core.management import call_command
from django.test import Client

from kttt.accounts.models import Role
from tests.web import PLAIN_STORAGES, client_for, person

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _plain_static(settings):
    settings.STORAGES = PLAIN_STORAGES


@pytest.fixture
def planner(tmp_path, settings):
    settings.VAR_DIR = tmp_path
    call_command("load_demo", password="x-demo-x")
    return client_for(person(Role.PLANNING, "109"))


def directives(response) -> dict[str, str]:
    policy = response["Content-Security-Policy"]
    return {
        name: value.strip()
        for name, _, value in (d.strip().partition(" ") for d in policy.split(";"))
    }


@pytest.mark.parametrize("url", ["/", "/chi-tieu/", "/htx/", "/de-an/"])
def test_a_logged_in_page_carries_every_header(planner, url):
    response = planner.get(url)
    assert response.status_code == 200
    assert directives(response) == {
        "default-src": "'self'",
        "script-src": "'self'",
        "style-src": "'self'",
        "img-src": "'self'",
        "object-src": "'none'",
        "base-uri": "'self'",
        "form-action": "'self'",
        "frame-ancestors": "'none'",
    }
    assert response["Cache-Control"] == "private, no-store"
    permissions = response["Permissions-Policy"]
    for feature in ("camera", "microphone", "geolocation", "payment", "usb"):
        assert f"{feature}=()" in permissions
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_no_page_has_an_inline_script_or_event_handler(planner):
    # What the policy would block, looked for in the pages themselves (the browser test,
    # tests/browser/test_csp_browser.py, sees what the browser reports).
    for url in ("/", "/chi-tieu/", "/chi-tieu/hien-trang/", "/htx/", "/tai-khoan/khoa-api/"):
        page = planner.get(url).text
        assert "<script>" not in page
        assert " onclick=" not in page
        assert " onfocus=" not in page
        assert "style=" not in page


def test_the_login_page_keeps_djangos_never_cache():
    response = Client().get("/dang-nhap/")
    assert response["Cache-Control"] == "max-age=0, no-cache, no-store, must-revalidate, private"
    assert "Content-Security-Policy" in response


def test_the_api_keeps_its_etag_and_revalidation(planner):
    first = planner.get("/api/v1/indicators?year=2021&area=109")
    assert first.status_code == 200
    assert first["Cache-Control"] == "private, no-cache"  # kttt/api/core.py's own
    again = planner.get("/api/v1/indicators?year=2021&area=109", HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304
    assert again["Cache-Control"] == "private, no-cache"
    assert "Permissions-Policy" in first


def test_a_download_keeps_its_file_headers_and_is_not_stored(planner):
    response = planner.get("/htx.xlsx")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="htx-')
    assert response["Cache-Control"] == "private, no-store"


def test_only_the_swagger_ui_page_may_show_data_images(planner):
    docs = planner.get("/api/v1/docs/")
    assert docs.status_code == 200
    assert directives(docs)["img-src"] == "'self' data:"
    assert directives(docs)["script-src"] == "'self'"  # its scripts are files of the site
    assert "<script src=" in docs.text
    assert directives(planner.get("/"))["img-src"] == "'self'"


def test_https_stays_off_by_default(client, settings):
    # `make run` serves plain HTTP on 127.0.0.1: no redirect, no HSTS, cookies not Secure.
    response = client.get("/dang-nhap/")
    assert response.status_code == 200
    assert "Strict-Transport-Security" not in response
    assert settings.SESSION_COOKIE_SECURE is False


def test_behind_the_https_proxy_plain_http_is_redirected_and_https_gets_hsts(settings):
    # The documented production settings (docs/deployment.md), as settings.py reads them.
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    plain = Client().get("/dang-nhap/", HTTP_X_FORWARDED_PROTO="http")
    assert (plain.status_code, plain["Location"]) == (301, "https://testserver/dang-nhap/")
    secure = Client().get("/dang-nhap/", HTTP_X_FORWARDED_PROTO="https")
    assert secure.status_code == 200
    assert secure["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
