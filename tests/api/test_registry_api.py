"""/api/v1/cooperatives: the registry as the pages show it to the same user, and a year's
figures written through the same service, rules and approval as the yearly form.

The world (`w`): the commune officer of Xã Phong Thổ (03549 since 01/7/2025) reaches
- P01 "HTX Phúc Hưng", founded 01/01/2015 in Thị trấn Phong Thổ (old 03549), moved into
  Xã Phong Thổ on 01/7/2025;
- P02 "THT Chè Ma Ly Pho", a cooperative group founded 15/03/2019 in Xã Ma Ly Pho (03574),
  moved into Xã Phong Thổ by applying the recorded succession (not verified);
- P03 "HTX Huổi Luông", founded 10/10/2018 in Thị trấn Phong Thổ and never moved: still in
  the old unit, inside the officer's territory through the succession;
and not B01 "HTX Bản Bo", in Xã Bản Bo (03424), another territory.
"""

import datetime as dt
import json
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from kttt.accounts.models import Role
from kttt.accounts.tokens import create_token
from kttt.areas.models import Succession
from kttt.registry import services
from kttt.registry.models import AuditEntry, ReviewStatus, Sector, YearlyReport
from tests import factories
from tests.web import client_for, coop, person, today

pytestmark = pytest.mark.django_db

LIST = "/api/v1/cooperatives"
NEW = dt.date(2025, 8, 1)


class Api:
    """A client that sends a user's API token."""

    def __init__(self, user):
        self.key = create_token(user=user, source="test")[1]
        self.client = Client()

    def call(self, method, url, body=None):
        extra = {"HTTP_AUTHORIZATION": f"Bearer {self.key}"}
        if body is not None:
            extra.update(data=json.dumps(body), content_type="application/json")
        response = getattr(self.client, method)(url, **extra)
        content = response.content.decode()
        return response.status_code, json.loads(content) if content else None

    def get(self, url):
        return self.call("get", url)

    def put(self, url, body):
        return self.call("put", url, body)

    def post(self, url):
        return self.call("post", url)


@pytest.fixture
def w(phong_tho):
    u = phong_tho
    p01 = coop("P01", u.tt_phong_tho, u.xa_phong_tho, name="HTX Phúc Hưng")
    ma_ly_pho = factories.unit("3574")
    p02 = factories.entity(
        "P02",
        ma_ly_pho,
        name="THT Chè Ma Ly Pho",
        kind="tht",
        sector=Sector.THUONG_MAI_DICH_VU,
        established=dt.date(2019, 3, 15),
    )
    succession = Succession.objects.get(old_units=ma_ly_pho)
    services.apply_succession(succession=succession, source="test")
    p03 = factories.entity(
        "P03", u.tt_phong_tho, name="HTX Huổi Luông", established=dt.date(2018, 10, 10)
    )
    b01 = factories.entity(
        "B01", factories.unit("3424", factories.AFTER), name="HTX Bản Bo", established=NEW
    )
    return SimpleNamespace(
        u=u,
        p01=p01,
        p02=p02,
        p03=p03,
        b01=b01,
        commune=Api(person(Role.COMMUNE, "03549")),
        planning=Api(person(Role.PLANNING, "109")),
        viewer=Api(person(Role.VIEWER, "109")),
        other=Api(person(Role.COMMUNE, "03424")),
    )


def codes(body):
    return [item["code"] for item in body["items"]]


# --- the list -------------------------------------------------------------------------------


def test_it_lists_what_the_list_page_lists_ordered_by_code(w):
    status, body = w.commune.get(LIST)
    assert status == 200
    assert codes(body) == ["P01", "P02", "P03"]
    assert body["count"] == 3
    text = client_for(person(Role.COMMUNE, "03549")).get("/htx/").text
    for code in ("P01", "P02", "P03"):
        assert f">{code}<" in text
    assert ">B01<" not in text
    assert codes(w.other.get(LIST)[1]) == ["B01"]


def test_an_item_carries_todays_status_and_commune(w):
    services.update_entity(
        entity=w.p01,
        values={"address": "Bản Pa So", "phone": "0213 3894 123", "representative": "Lò Văn A"},
    )
    items = {i["code"]: i for i in w.commune.get(LIST)[1]["items"]}
    assert items["P01"] == {
        "code": "P01",
        "name": "HTX Phúc Hưng",
        "kind": "htx",
        "kind_label": "Hợp tác xã",
        "sector": "nong_nghiep",
        "sector_label": "Nông - lâm nghiệp, thủy sản",
        "status": "active",
        "status_label": "Đang hoạt động",
        "established_on": "2015-01-01",
        "commune": {"code": "03549", "name": w.u.xa_phong_tho.name},
        "address": "Bản Pa So",
        "phone": "0213 3894 123",
        "representative": "Lò Văn A",
    }
    # Never moved: still in the old Thị trấn Phong Thổ (same code, another unit).
    assert items["P03"]["commune"] == {"code": "03549", "name": w.u.tt_phong_tho.name}
    assert items["P02"]["commune"]["name"] == w.u.xa_phong_tho.name


def test_the_area_is_read_at_the_date_asked(w):
    # 03549 in 2021 is Thị trấn Phong Thổ: P01 and P03 were there, P02 in Ma Ly Pho.
    assert codes(w.commune.get(f"{LIST}?area=03549&on=2021-06-01")[1]) == ["P01", "P03"]
    # Today it is Xã Phong Thổ and the units it absorbed.
    assert codes(w.commune.get(f"{LIST}?area=03549")[1]) == ["P01", "P02", "P03"]
    # Ma Ly Pho read in 2021; it has ended by today, and means where its territory went.
    assert codes(w.commune.get(f"{LIST}?area=03574&on=2021-06-01")[1]) == ["P02"]
    # Another territory's area lists only what the user sees there: nothing.
    assert codes(w.commune.get(f"{LIST}?area=03424")[1]) == []


def test_it_filters_by_kind_sector_status_and_text(w):
    services.change_status(entity=w.p03, status="dissolved", date=dt.date(2024, 5, 1))
    assert codes(w.commune.get(f"{LIST}?kind=tht")[1]) == ["P02"]
    assert codes(w.commune.get(f"{LIST}?sector=thuong_mai_dich_vu")[1]) == ["P02"]
    assert codes(w.commune.get(f"{LIST}?status=dissolved")[1]) == ["P03"]
    assert codes(w.commune.get(f"{LIST}?status=active")[1]) == ["P01", "P02"]
    assert codes(w.commune.get(f"{LIST}?q=phuc%20HUNG")[1]) == ["P01"]
    assert codes(w.commune.get(f"{LIST}?q=p02")[1]) == ["P02"]
    item = w.commune.get(f"{LIST}?status=dissolved")[1]["items"][0]
    assert (item["status"], item["status_label"]) == ("dissolved", "Giải thể")


@pytest.mark.parametrize(
    ("query", "code", "fields"),
    [
        ("area=xx", "invalid", ["area"]),
        ("area=99999", "unknown_area", []),
        ("kind=xyz", "invalid", ["kind"]),
        ("status=closed", "invalid", ["status"]),
        ("on=2021-13-01", "invalid", ["on"]),
        ("on=1800-01-01", "invalid", ["on"]),
        ("per_page=0", "invalid", ["per_page"]),
        ("per_page=501", "invalid", ["per_page"]),
        ("q=" + "a" * 201, "invalid", ["q"]),
        ("q=a%00b", "invalid", ["q"]),
    ],
)
def test_bad_parameters_answer_400_without_the_value(w, query, code, fields):
    status, body = w.commune.get(f"{LIST}?{query}")
    assert status == 400
    assert body["code"] == code
    assert body.get("fields", []) == fields
    assert query.split("=")[1] not in body["message"]


def test_it_pages_in_a_stable_order(w):
    status, body = w.commune.get(f"{LIST}?per_page=2")
    assert (status, body["count"], body["page"], body["per_page"]) == (200, 3, 1, 2)
    assert codes(body) == ["P01", "P02"]
    assert codes(w.commune.get(f"{LIST}?per_page=2&page=2")[1]) == ["P03"]
    assert codes(w.commune.get(f"{LIST}?per_page=2&page=3")[1]) == []


def test_its_queries_do_not_grow_with_the_rows(w):
    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert w.planning.get(LIST)[0] == 200
        return len(captured)

    w.planning.get(LIST)  # the token's first use is recorded: once, not per row
    few = queries()
    for n in range(4, 10):
        factories.entity(f"P0{n}", w.u.xa_phong_tho, established=dt.date(2025, 8, 1))
    assert w.planning.get(LIST)[1]["count"] == 9
    assert queries() == few


def test_it_needs_a_token_or_a_session(w, client):
    assert client.get(LIST).status_code == 401
    assert Client().get(LIST, HTTP_AUTHORIZATION="Bearer kttt_nope_nope").status_code == 401


# --- a cooperative --------------------------------------------------------------------------


def test_the_detail_has_the_histories(w):
    services.change_status(entity=w.p01, status="paused", date=dt.date(2020, 3, 1), note="QĐ 12")
    services.change_status(entity=w.p01, status="active", date=dt.date(2021, 1, 4))
    factories.yearly(w.p01, 2021, members=12)
    factories.yearly(w.p01, 2023, members=15)
    services.save_ocop(
        entity=w.p01,
        name="Chè Shan tuyết",
        values={"stars": 3, "recognized_on": dt.date(2021, 5, 1), "level": "tinh"},
    )
    status, body = w.commune.get(f"{LIST}/P01")
    assert status == 200
    assert body["status"] == "active"
    assert body["statuses"] == [
        {
            "status": "paused",
            "label": "Tạm ngừng hoạt động",
            "date": "2020-03-01",
            "valid_to": "2021-01-03",
            "note": "QĐ 12",
        },
        {
            "status": "active",
            "label": "Đang hoạt động",
            "date": "2021-01-04",
            "valid_to": None,
            "note": "",
        },
    ]
    old, new = body["locations"]
    assert old["unit"]["code"] == new["unit"]["code"] == "03549"
    assert (old["unit"]["name"], old["unit"]["valid_to"]) == (w.u.tt_phong_tho.name, "2025-06-30")
    assert (old["valid_from"], old["valid_to"], old["by_succession"]) == (
        "2015-01-01",
        "2025-06-30",
        False,
    )
    assert (new["unit"]["valid_from"], new["valid_from"], new["valid_to"]) == (
        "2025-07-01",
        "2025-07-01",
        None,
    )
    assert body["yearly_years"] == [2023, 2021]
    assert body["ocop_products"][0]["valid_until"] == "2024-05-01"  # 36 months later


def test_a_location_from_a_succession_says_so(w):
    body = w.commune.get(f"{LIST}/P02")[1]
    moved = body["locations"][-1]
    assert (moved["valid_from"], moved["by_succession"], moved["succession_verified"]) == (
        "2025-07-01",
        True,
        False,
    )
    assert body["locations"][0]["succession_verified"] is None


def test_another_territory_is_not_found(w):
    status, body = w.commune.get(f"{LIST}/B01")
    assert (status, body["code"]) == (404, "not_found")
    assert w.commune.get(f"{LIST}/NOPE")[0] == 404
    assert w.other.get(f"{LIST}/P01")[0] == 404
    assert w.other.get(f"{LIST}/P01/yearly")[0] == 404
    assert w.other.get(f"{LIST}/P01/ocop")[0] == 404
    # A code that cannot be one: the parameter is refused, not looked up.
    assert w.commune.get(f"{LIST}/P_01")[1]["fields"] == ["code"]


# --- yearly figures -------------------------------------------------------------------------

FIGURES = {
    "members": 12,
    "workers": 5,
    "workers_trained": 2,
    "managers": 3,
    "managers_primary": 1,
    "managers_intermediate": 1,
    "charter_capital": 1500,
    "revenue": 1234.5,
    "profit": -12.25,
    "income_avg": 46.5,
    "tax": 0,
    "grade": "kha",
    "hightech": True,
}


def test_a_commune_officer_saves_a_draft_then_sends_it(w):
    status, body = w.commune.put(f"{LIST}/P03/yearly/2021", FIGURES)
    assert status == 201
    assert body["review"] == {"code": "draft", "label": "Nháp"}
    assert body["locked"] is False
    assert (body["revenue"], body["profit"], body["income_avg"], body["tax"]) == (
        1234.5,
        -12.25,
        46.5,
        0,
    )
    assert (body["grade"], body["grade_label"], body["value_chain"]) == ("kha", "Khá", False)
    assert body["managers_college"] is None  # not sent: unknown
    row = YearlyReport.objects.get(entity=w.p03, year=2021)
    assert (row.revenue, row.status) == (Decimal("1234.5"), ReviewStatus.DRAFT)
    assert AuditEntry.objects.filter(entity=w.p03, target="yearly:2021", source="api").exists()

    status, body = w.commune.post(f"{LIST}/P03/yearly/2021/submit")
    assert (status, body["review"]["label"]) == (200, "Đã gửi")
    status, body = w.commune.post(f"{LIST}/P03/yearly/2021/submit")
    assert (status, body["code"]) == (400, "refused")
    assert "Đã gửi" in body["message"]
    # Changed after sending: a draft again, as on the page.
    status, body = w.commune.put(f"{LIST}/P03/yearly/2021", {**FIGURES, "members": 13})
    assert (status, body["members"], body["review"]["code"]) == (200, 13, "draft")


def test_the_planning_office_saves_approved_figures_that_drafters_may_not_change(w):
    status, body = w.planning.put(f"{LIST}/P03/yearly/2021", FIGURES)
    assert (status, body["review"]["label"], body["locked"]) == (201, "Đã duyệt", True)
    status, body = w.commune.put(f"{LIST}/P03/yearly/2021", {**FIGURES, "members": 99})
    assert (status, body["code"]) == (403, "forbidden")
    assert "đã được duyệt" in body["message"]
    assert w.commune.post(f"{LIST}/P03/yearly/2021/submit")[0] == 403
    assert YearlyReport.objects.get(entity=w.p03, year=2021).members == 12
    # The office changes them; they stay approved.
    status, body = w.planning.put(f"{LIST}/P03/yearly/2021", {**FIGURES, "members": 14})
    assert (status, body["members"], body["review"]["code"]) == (200, 14, "approved")


def test_the_representative_saves_a_draft_of_its_own_cooperative_only(w):
    rep = Api(factories.user_with_role(Role.COOPERATIVE, cooperative=w.p01))
    status, body = rep.put(f"{LIST}/P01/yearly/2022", {"members": 20})
    assert (status, body["review"]["code"]) == (201, "draft")
    assert rep.put(f"{LIST}/P03/yearly/2022", {"members": 20})[0] == 404
    assert codes(rep.get(LIST)[1]) == ["P01"]


def test_read_only_roles_may_not_write(w):
    status, body = w.viewer.put(f"{LIST}/P01/yearly/2021", FIGURES)
    assert (status, body["code"]) == (403, "forbidden")
    dept = Api(person(Role.DEPARTMENT, "109"))
    assert dept.put(f"{LIST}/P01/yearly/2021", FIGURES)[0] == 403
    assert w.other.put(f"{LIST}/P01/yearly/2021", FIGURES)[0] == 404
    assert not YearlyReport.objects.exists()
    # They read the figures.
    factories.yearly(w.p01, 2021, members=12)
    status, body = w.viewer.get(f"{LIST}/P01/yearly/2021")
    assert (status, body["members"], body["review"]["label"]) == (200, 12, "Đã duyệt")


@pytest.mark.parametrize(
    ("year", "figures", "fields"),
    [
        (2021, {"workers": 3, "workers_trained": 5}, ["body.workers_trained"]),
        (2021, {"managers": 1, "managers_primary": 1, "managers_college": 1}, ["body.managers"]),
        (2021, {"managers_primary": 1}, ["body.managers"]),
        (2017, {"members": 3}, ["year"]),  # P03 was founded in 2018
        (2018, {"grade": "tot"}, ["body.grade"]),  # founded 10/10/2018: not 12 months by 31/12
        (2100, {}, ["year"]),  # after next year
        (2021, {"members": -1}, ["body.members"]),
        (2021, {"members": 1_000_001}, ["body.members"]),
        (2021, {"members": 1.5}, ["body.members"]),
        (2021, {"revenue": -1}, ["body.revenue"]),
        (2021, {"revenue": 1.2345}, ["body.revenue"]),
        (2021, {"grade": "xuat_sac"}, ["body.grade"]),
        (2021, {"hightech": "maybe"}, ["body.hightech"]),
        (2021, {"revenue": "NaN"}, ["body.revenue"]),
        (2021, {"revenue": "1e999"}, ["body.revenue"]),
        (2021, {"profit": -1_000_000_000.5}, ["body.profit"]),
    ],
)
def test_figures_breaking_the_forms_rules_are_refused_by_field(w, year, figures, fields):
    status, body = w.planning.put(f"{LIST}/P03/yearly/{year}", figures)
    assert status == 400
    assert (body["code"], body["fields"]) == ("invalid", fields)
    for value in figures.values():
        assert str(value) not in body["message"].replace(str(year), "")
    assert not YearlyReport.objects.exists()


def test_the_limits_themselves_are_accepted(w):
    figures = {"members": 1_000_000, "revenue": 1_000_000_000, "profit": -1_000_000_000}
    status, body = w.planning.put(f"{LIST}/P03/yearly/2021", figures)
    assert (status, body["members"], body["profit"]) == (201, 1_000_000, -1_000_000_000)


@pytest.mark.parametrize("raw", ["not json", "null", "[]", "[1]", '"text"', ""])
def test_a_body_that_is_not_an_object_is_refused(w, raw):
    response = w.planning.client.put(
        f"{LIST}/P03/yearly/2021",
        raw,
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {w.planning.key}",
    )
    assert response.status_code == 400
    assert json.loads(response.content)["code"] == "invalid"
    assert not YearlyReport.objects.exists()


def test_a_year_out_of_bounds_in_the_address_is_refused(w):
    assert w.commune.get(f"{LIST}/P01/yearly/1900")[1]["fields"] == ["year"]
    assert w.commune.get(f"{LIST}/P01/yearly/2020")[0] == 404  # no figures that year


def test_the_yearly_list_is_newest_first(w):
    factories.yearly(w.p03, 2021, members=12, revenue=100)
    services.save_yearly(entity=w.p03, year=2022, values={"members": 14}, approve=False)
    status, body = w.commune.get(f"{LIST}/P03/yearly")
    assert status == 200
    assert [(r["year"], r["members"], r["review"]["code"], r["locked"]) for r in body] == [
        (2022, 14, "draft", False),
        (2021, 12, "approved", True),
    ]
    assert body[1]["revenue"] == 100


# --- OCOP -----------------------------------------------------------------------------------


def test_ocop_products_with_their_validity(w):
    services.save_ocop(
        entity=w.p01,
        name="Chè Shan tuyết",
        values={"stars": 4, "recognized_on": dt.date(2022, 5, 10), "level": "tinh"},
    )
    recent = today() - dt.timedelta(days=30)
    services.save_ocop(
        entity=w.p01, name="Miến dong", values={"stars": 3, "recognized_on": recent, "level": ""}
    )
    status, body = w.viewer.get(f"{LIST}/P01/ocop")
    assert status == 200
    assert [p["name"] for p in body] == ["Miến dong", "Chè Shan tuyết"]
    assert body[1] == {
        "name": "Chè Shan tuyết",
        "stars": 4,
        "recognized_on": "2022-05-10",
        "level": "tinh",
        "level_label": "Tỉnh",
        "valid_until": "2025-05-10",
        "valid": False,  # today is after 10/05/2025
    }
    assert (body[0]["valid"], body[0]["level"], body[0]["level_label"]) == (True, "", "")


def test_a_write_by_session_needs_the_csrf_token(w):
    client = Client(enforce_csrf_checks=True)
    client.force_login(person(Role.PLANNING, "109"))
    response = client.put(f"{LIST}/P03/yearly/2021", "{}", content_type="application/json")
    assert response.status_code == 403
    assert not YearlyReport.objects.exists()
    assert client.get(f"{LIST}/P03").status_code == 200  # reading needs none


# --- conflicts (optimistic locking) -------------------------------------------------------


def test_a_write_over_a_newer_version_is_refused_with_who_and_when(w):
    """The commune officer and the planning office read P03's 2024 row (a cooperative of
    Thị trấn Phong Thổ, before the reform); the officer writes first; the office's write with
    the version it read answers 409 and changes nothing; with the new version it goes through."""
    factories.yearly(w.p03, 2024, members=20)
    YearlyReport.objects.filter(entity=w.p03, year=2024).update(status="draft")
    row = f"{LIST}/P03/yearly/2024"
    read_by_officer, read_by_office = w.commune.get(row)[1], w.planning.get(row)[1]
    assert read_by_officer["version"] == read_by_office["version"]
    status, body = w.commune.put(
        row, {**FIGURES, "members": 22, "version": read_by_officer["version"]}
    )
    assert (status, body["members"]) == (200, 22)
    assert body["version"] != read_by_officer["version"]

    status, body = w.planning.put(
        row, {**FIGURES, "members": 25, "version": read_by_office["version"]}
    )
    assert status == 409
    assert body["code"] == "conflict"
    entry = AuditEntry.objects.filter(entity=w.p03, target="yearly:2024").first()
    at = timezone.localtime(entry.at).strftime("%d/%m/%Y %H:%M")
    assert f"sửa lúc {at}" in body["message"]
    assert "Số thành viên: 20 → 22" in body["message"]
    assert entry.user.username in body["message"]  # no full name: the user name
    assert YearlyReport.objects.get(entity=w.p03, year=2024).members == 22

    fresh = w.planning.get(row)[1]
    status, body = w.planning.put(row, {**FIGURES, "members": 25, "version": fresh["version"]})
    assert (status, body["members"], body["review"]["code"]) == (200, 25, "approved")


def test_a_version_of_a_row_not_yet_written_is_refused_once_someone_wrote_it(w):
    status, _body = w.commune.put(f"{LIST}/P03/yearly/2023", {**FIGURES, "version": "0"})
    assert status == 201
    status, body = w.planning.put(f"{LIST}/P03/yearly/2023", {**FIGURES, "version": "0"})
    assert (status, body["code"]) == (409, "conflict")


def test_a_write_without_a_version_overwrites_as_before(w):
    factories.yearly(w.p03, 2024, members=20)
    status, body = w.planning.put(f"{LIST}/P03/yearly/2024", {**FIGURES, "members": 30})
    assert (status, body["members"]) == (200, 30)
