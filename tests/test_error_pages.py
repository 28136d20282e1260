"""With DEBUG off, errors answer in Vietnamese, never with Django's English pages."""

import pytest
from django.test import Client, override_settings
from django.urls import path

from tests.web import client_for, viewer


def boom(request):
    raise RuntimeError("a bug")


urlpatterns = [path("boom/", boom)]


@pytest.mark.django_db
def test_it_answers_404_in_vietnamese(phong_tho):
    response = client_for(viewer()).get("/htx/KHONG-CO/")
    assert response.status_code == 404
    assert "Không tìm thấy" in response.content.decode()
    assert "Not Found" not in response.content.decode()


@override_settings(ROOT_URLCONF=__name__, DEBUG=False)
def test_it_answers_500_in_vietnamese_without_a_traceback():
    response = Client(raise_request_exception=False).get("/boom/")
    assert response.status_code == 500
    body = response.content.decode()
    assert "Lỗi hệ thống" in body
    assert "RuntimeError" not in body
    assert "Traceback" not in body
