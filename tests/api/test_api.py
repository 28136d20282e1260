"""/api/v1: the same JSON as the command line, behind a token or the log-in, scoped like the
pages; tokens, errors that never echo input, ETag."""

import datetime as dt
import io
import json
import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.utils import timezone

from kttt.accounts.models import AccountAuditEntry, ApiToken, Role
from kttt.accounts.tokens import create_token, revoke_token
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


# --- tokens, errors, ETag (issue 10) ----------------------------------------------------

ADDRESS = "/api/v1/indicators?year=2021&area=109"


def bearer(key):
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def test_a_token_acts_with_its_users_role_and_territory(demo):
    officer = person(Role.COMMUNE, "3549")
    _token, key = create_token(user=officer, name="bảng tính")
    client = Client()
    assert client.get("/api/v1/indicators?year=2025&area=03549", **bearer(key)).status_code == 200
    # The district is outside a commune officer's territory: 404 as on the pages.
    assert client.get("/api/v1/indicators?year=2025&area=12", **bearer(key)).status_code == 404


def test_a_token_stops_working_when_revoked_expired_or_its_account_locked(demo):
    user = person(Role.PLANNING, "109")
    client = Client()
    token, key = create_token(user=user)
    assert client.get(ADDRESS, **bearer(key)).status_code == 200
    revoke_token(token=token)
    assert client.get(ADDRESS, **bearer(key)).status_code == 401

    token, key = create_token(user=user, days=1)
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    assert client.get(ADDRESS, **bearer(key)).status_code == 401

    _token, key = create_token(user=user)
    user.is_active = False
    user.save()
    assert client.get(ADDRESS, **bearer(key)).status_code == 401


def test_a_wrong_or_altered_key_is_refused_without_saying_why(demo):
    _token, key = create_token(user=person(Role.ADMIN))
    client = Client()
    for wrong in (key[:-1] + ("A" if key[-1] != "A" else "B"), "kttt_deadbeef_x", "abc"):
        response = client.get(ADDRESS, **bearer(wrong))
        assert response.status_code == 401
        assert json.loads(response.content)["code"] == "unauthenticated"


def test_only_the_hash_of_a_key_is_stored_and_each_step_is_audited(demo):
    user = person(Role.VIEWER, "109")
    token, key = create_token(user=user, name="Power Query", days=30)
    stored = ApiToken.objects.get(pk=token.pk)
    assert key not in (stored.key_hash, stored.prefix, stored.name)
    assert key.startswith(f"kttt_{stored.prefix}_")
    revoke_token(token=stored)
    actions = list(AccountAuditEntry.objects.filter(user=user).values_list("action", flat=True))
    assert {"token_create", "token_revoke"} <= set(actions)


def test_the_command_prints_a_working_key_once(demo):
    person(Role.PLANNING, "109", username="tonghop2")
    out, err = StringIO(), StringIO()
    call_command(
        "create_token", "tonghop2", "--expires", "30", "--name", "tỉnh", stdout=out, stderr=err
    )
    key = out.getvalue().strip()
    assert Client().get(ADDRESS, **bearer(key)).status_code == 200
    assert key not in err.getvalue()
    with pytest.raises(CommandError, match=r"từ 1 đến 3\.650"):
        call_command("create_token", "tonghop2", "--expires", "0", stdout=out, stderr=err)
    with pytest.raises(CommandError, match="Không có tài khoản"):
        call_command("create_token", "nobody", stdout=out, stderr=err)


def test_an_error_never_repeats_the_value_sent(demo):
    client = client_for(person(Role.ADMIN))
    response = client.get("/api/v1/indicators?year=2021&area=<script>alert(1)</script>")
    body = json.loads(response.content)
    assert response.status_code == 400
    assert (body["code"], body["fields"]) == ("invalid", ["area"])
    assert "script" not in response.content.decode()
    response = client.get("/api/v1/indicators?year=2021&area=99999")  # names no unit
    assert (response.status_code, json.loads(response.content)["code"]) == (400, "unknown_area")
    assert "99999" not in response.content.decode()


def test_a_get_has_an_etag_and_an_unchanged_answer_is_304(demo):
    client = client_for(person(Role.PLANNING, "109"))
    first = client.get(ADDRESS)
    etag = first["ETag"]
    assert first["Cache-Control"] == "private, no-cache"
    again = client.get(ADDRESS, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304
    assert again.content == b""
    other = client.get("/api/v1/indicators?year=2022&area=109")
    assert other["ETag"] != etag
    assert client.get(ADDRESS, HTTP_IF_NONE_MATCH='"other"').status_code == 200


def test_the_document_and_its_page_are_served_from_the_installation(client):
    document = client.get("/api/v1/openapi.json")
    assert document.status_code == 200
    paths = json.loads(document.content)["paths"]
    assert {"/api/v1/indicators", "/api/v1/indicators/series", "/api/v1/targets"} <= set(paths)
    page = client.get("/api/v1/docs/").content.decode()
    sources = re.findall(r'(?:src|href)="([^"]+)"', page)
    assert any(s.endswith("swagger-ui-bundle.js") for s in sources)
    assert not [s for s in sources if s.startswith(("http:", "https:", "//"))]  # no CDN


def test_a_registered_report_downloads_with_a_key(demo, tmp_path):
    import docx

    from kttt.documents.models import Report

    call_command(
        "report", "annual", "--year", "2021", "--area", "109", "--format", "docx",
        "-o", str(tmp_path / "bc.docx"), "--register",
    )  # fmt: skip
    report = Report.objects.get()
    _token, key = create_token(user=person(Role.PLANNING, "109"))
    listed = json.loads(Client().get("/api/v1/reports", **bearer(key)).content)["items"][0]
    address = next(f["api_url"] for f in listed["formats"] if f["format"] == "docx")
    assert address == f"/api/v1/reports/{report.pk}/files/docx"

    response = Client().get(address, **bearer(key))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    text = "\n".join(p.text for p in docx.Document(io.BytesIO(response.content)).paragraphs)
    assert "BÁO CÁO" in text.upper()
    # A commune officer does not read the district's report: 404, as on the page.
    _token, officer = create_token(user=person(Role.COMMUNE, "3549"))
    assert Client().get(address, **bearer(officer)).status_code == 404
    wrong = Client().get(f"/api/v1/reports/{report.pk}/files/odt", **bearer(key))
    assert (wrong.status_code, json.loads(wrong.content)["fields"]) == (400, ["fmt"])
