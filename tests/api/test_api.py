"""/api/v1: the same JSON as the command line, behind the log-in, scoped like the pages."""

import json

import pytest
from django.core.management import call_command

from kttt.accounts.models import Role
from tests.web import client_for, person

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(tmp_path, settings):
    settings.VAR_DIR = tmp_path
    call_command("load_demo", password="x-demo-x")


def get(client, url):
    response = client.get(url)
    return response.status_code, json.loads(response.content.decode())


def test_it_serves_the_command_lines_object(demo, capsys):
    capsys.readouterr()
    call_command("indicators", year=2021, area="109", format="json")
    cli = json.loads(capsys.readouterr().out)
    status, body = get(
        client_for(person(Role.PLANNING, "109")), "/api/v1/indicators?year=2021&area=109"
    )
    assert status == 200
    assert body == cli
    assert body["indicators"]["members"] == 213


def test_it_defaults_to_the_home_area_and_htx(demo):
    status, body = get(client_for(person(Role.VIEWER, "109")), "/api/v1/indicators?year=2021")
    assert status == 200
    assert (body["area"]["code"], body["kind"]) == ("109", "htx")


def test_it_serves_a_series_and_the_targets(demo):
    client = client_for(person(Role.PLANNING, "109"))
    status, body = get(client, "/api/v1/indicators/series?from=2021&to=2023&area=109")
    assert status == 200
    assert [r["year"] for r in body] == [2021, 2022, 2023]
    assert body[0]["indicators"]["capital"] == 63090
    status, body = get(client, "/api/v1/targets?year=2025")
    assert status == 200
    assert len(body["targets"]) == 8


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("year=abc", "Tham số không hợp lệ: year"),
        ("year=2021&kind=xyz", "Loại hình"),
        ("year=2021&area=xx", "không hợp lệ"),
    ],
)
def test_it_answers_bad_parameters_with_400_in_vietnamese(demo, query, message):
    status, body = get(client_for(person(Role.ADMIN)), f"/api/v1/indicators?{query}")
    assert status == 400
    assert message in body["message"]


def test_it_needs_a_log_in(demo, client):
    status, body = get(client, "/api/v1/indicators?year=2021")
    assert status == 401
    assert body["code"] == "unauthenticated"
    assert body["message"].startswith("Cần đăng nhập")


def test_another_area_is_not_found(demo):
    # An officer of Xã Phong Thổ may not read the whole former district, nor the province.
    client = client_for(person(Role.COMMUNE, "3549"))
    assert get(client, "/api/v1/indicators?year=2025&area=12")[0] == 404
    assert get(client, "/api/v1/indicators?year=2025&area=109")[0] == 404
    assert get(client, "/api/v1/indicators?year=2025&area=03549")[0] == 200
