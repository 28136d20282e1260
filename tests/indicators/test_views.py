"""Indicator pages: the figures, the rows behind one, the data checks and the narrative.

Personas: an administrator; a commune officer of Xã Phong Thổ (03549); a viewer of the
same commune; a cooperative's representative (no area at all). "Theirs" lies in Xã Mù
Sang / Dào San, outside the commune.
"""

import datetime as dt

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kttt.accounts.models import Role
from kttt.indicators import cache
from kttt.registry import services
from tests import factories
from tests.web import (
    PLAIN_STORAGES,
    admin,
    client_for,
    commune_officer,
    coop,
    person,
    today,
    viewer,
)

pytestmark = pytest.mark.django_db
D = dt.date
PAGES = ["/chi-tieu/", "/chi-tieu/members/", "/chi-tieu/kiem-tra/", "/chi-tieu/hien-trang/"]


@pytest.fixture(autouse=True)
def _plain_static(settings):
    settings.STORAGES = PLAIN_STORAGES


@pytest.fixture
def u(phong_tho):
    return phong_tho


@pytest.fixture
def mine(u):
    e = coop("0101", u.tt_phong_tho, u.xa_phong_tho, name="HTX Nông nghiệp Phúc Hưng")
    factories.yearly(e, 2021, members=12, workers=4, charter_capital=1500, income_avg="40.5")
    return e


@pytest.fixture
def theirs(u):
    e = coop("0202", u.mu_sang, u.dao_san_new, name="HTX Dịch vụ Dào San")
    factories.yearly(e, 2021, members=9, workers=3, charter_capital=700)
    return e


@pytest.fixture
def officer(db):
    return client_for(commune_officer())


@pytest.fixture
def demo(tmp_path, settings):
    settings.VAR_DIR = tmp_path
    call_command("load_demo", password="mat-khau-demo")


def body(response):
    """The page below the selector (the selector lists area names of its own)."""
    return response.text.split('id="results"')[1]


def queries_for(client, address):
    """The queries of a page computed afresh (no figure kept from an earlier request): the
    count that must not grow with the data."""
    cache.clear()
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(address)
    assert response.status_code == 200
    return len(ctx)


# --- access ---------------------------------------------------------------------------


@pytest.mark.parametrize("page", PAGES)
def test_it_sends_anonymous_visitors_to_the_login_page(client, page):
    response = client.get(page)
    assert response.status_code == 302
    assert response["Location"].startswith("/dang-nhap/?next=")


@pytest.mark.parametrize("page", PAGES)
def test_it_shows_each_page_for_the_users_own_area(officer, mine, page):
    response = officer.get(page, {"year": "2021", "area": "03549"})
    assert response.status_code == 200
    assert "Thị trấn Phong Thổ" in body(response)


@pytest.mark.parametrize("page", PAGES)
def test_it_shows_each_page_to_a_viewer_of_the_area(mine, page):
    reader = client_for(viewer())
    assert reader.get(page, {"year": "2021", "area": "03549"}).status_code == 200


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("area", ["03568", "109", "12", "VN"])
def test_it_hides_each_page_of_another_area(officer, mine, theirs, page, area):
    assert officer.get(page, {"year": "2021", "area": area}).status_code == 404


@pytest.mark.parametrize("page", PAGES)
def test_it_hides_the_pages_from_a_user_without_an_area(mine, page):
    rep = client_for(person(Role.COOPERATIVE, cooperative=mine))
    assert rep.get(page).status_code == 404


@pytest.mark.parametrize("page", PAGES)
def test_it_lets_an_administrator_read_the_province_and_the_country(mine, theirs, page):
    client = client_for(admin())
    assert client.get(page, {"year": "2021", "area": "12"}).status_code == 200
    assert client.get(page, {"year": "2021", "area": "VN"}).status_code == 200


def test_it_defaults_to_the_users_area_and_the_latest_year_with_data(officer, mine):
    response = officer.get("/chi-tieu/")
    assert response.status_code == 200
    assert "Năm 2021 · Thị trấn Phong Thổ" in response.text
    assert response.context["form"].data["area"] == "03549"


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"year": "abc"}, "không phải là số"),
        ({"year": "1800"}, "Năm phải từ 1950"),
        ({"year": "2021", "area": "abc"}, "không hợp lệ"),
        ({"year": "2021", "area": "99999"}, "Không có đơn vị hành chính mã 99999"),
        ({"year": "2021", "kind": "xyz"}, "Lựa chọn không hợp lệ"),
    ],
)
@pytest.mark.parametrize("page", PAGES)
def test_it_answers_a_bad_selector_with_a_vietnamese_message(mine, page, params, message):
    response = client_for(admin()).get(page, params)
    assert response.status_code == 400
    assert message in response.text
    assert "Traceback" not in response.text


# --- the indicators page ----------------------------------------------------------------


def test_it_shows_the_plans_2021_figures_for_the_demo(demo):
    client = client_for(person(Role.PLANNING, "109"))
    response = client.get("/chi-tieu/", {"year": "2021", "area": "109", "kind": "htx"})
    assert response.status_code == 200
    text = body(response)
    for expected in ("63.090", "46,5", "27,78", "213", "19.682", "1.152"):
        assert expected in text
    assert "Nông - lâm nghiệp, thủy sản" in text
    assert "33,33" in text  # 9 of 27 cooperatives in agriculture
    assert "2.021" not in response.text
    assert 'href="/chi-tieu/capital/?year=2021&amp;area=109&amp;kind=htx"' in text


def test_it_names_every_indicator_with_its_unit(officer, mine):
    from kttt.indicators.definitions import INDICATORS

    text = body(officer.get("/chi-tieu/", {"year": "2021", "area": "03549"}))
    for indicator in INDICATORS:
        assert f"/chi-tieu/{indicator.code}/?" in text
        assert str(indicator.name) in text
    assert "triệu đồng/người/năm" in text
    assert "40,5" in text
    assert "1.500" in text


def test_it_shows_a_missing_value_as_a_dash(officer, mine):
    response = officer.get("/chi-tieu/", {"year": "2021", "area": "03549"})
    rows = {r["indicator"].code: r["value"] for r in response.context["rows"]}
    assert rows["income_growth_pct"] is None  # no 2020 figure to grow from
    assert ">–</a>" in body(response)


def test_it_offers_the_users_areas_years_with_data_and_this_year(officer, mine):
    form = officer.get("/chi-tieu/", {"year": "2021"}).context["form"]
    # Xã Phong Thổ's territory in 2021: Thị trấn Phong Thổ and the three communes that went
    # into it on 01/7/2025 (Huổi Luông, Lả Nhì Thàng, Ma Ly Pho).
    choices = [code for code, _label in form.fields["area"].widget.choices]
    assert choices == ["03549", "03490", "03391", "03574"]
    years = [y for y, _label in form.fields["year"].widget.choices]
    assert years == [str(today().year), "2021"]


def test_it_offers_an_administrator_the_home_area_its_communes_the_province_and_the_country(
    mine,
):
    form = client_for(admin()).get("/chi-tieu/", {"year": "2021"}).context["form"]
    codes = [code for code, _label in form.fields["area"].widget.choices]
    assert codes[0] == "109"
    assert {"03549", "03568", "12", "VN"} <= set(codes)
    assert "106" not in codes
    assert codes.index("12") > codes.index("03568")
    assert codes[-1] == "VN"


def test_it_warns_when_the_area_is_approximate(mine):
    response = client_for(admin()).get("/chi-tieu/", {"year": "2026", "area": "109"})
    assert response.status_code == 200
    assert "gần đúng" in body(response)


def test_it_lists_the_data_checks_with_links_to_the_cooperatives(officer, u):
    few = coop("0301", u.tt_phong_tho, u.xa_phong_tho, name="HTX Ít thành viên")
    factories.yearly(few, 2021, members=3, workers=2)
    text = body(officer.get("/chi-tieu/", {"year": "2021", "area": "03549"}))
    assert "Cảnh báo" in text
    assert "1 HTX có dưới 5 thành viên" in text
    assert 'href="/htx/0301/"' in text


def test_it_returns_only_the_results_to_an_htmx_request(officer, mine):
    response = officer.get(
        "/chi-tieu/", {"year": "2021", "area": "03549"}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    assert "<html" not in response.text
    assert "40,5" in response.text
    assert 'id="area-field" hx-swap-oob="true"' in response.text
    assert "HX-Request" in response["Vary"]
    full = officer.get("/chi-tieu/", {"year": "2021", "area": "03549"})
    assert 'hx-get="/chi-tieu/"' in full.text
    assert 'action="/chi-tieu/"' in full.text  # works without JavaScript too


def test_it_falls_back_to_the_users_area_when_a_change_leaves_the_scope(demo):
    """Codes are read per year: 03562 is today's Xã Sì Lở Lầu but was Xã Vàng Ma Chải in
    2021; neither lies in the territory of Xã Phong Thổ's officer."""
    client = client_for(person(Role.COMMUNE, "03549"))
    params = {"year": "2021", "area": "03562", "kind": "htx"}
    assert client.get("/chi-tieu/", {**params, "area": "03549"}).status_code == 200
    assert client.get("/chi-tieu/", params).status_code == 404
    response = client.get("/chi-tieu/", params, headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert "Địa bàn mã 03562 không thuộc phạm vi của bạn" in response.text
    assert "Năm 2021 · Thị trấn Phong Thổ" in response.text
    assert response["HX-Push-Url"] == "/chi-tieu/?year=2021&area=03549&kind=htx"


def test_it_keeps_the_number_of_queries_constant(officer, u):
    def add(code):
        e = coop(code, u.tt_phong_tho, u.xa_phong_tho, name=f"HTX {code}")
        factories.yearly(e, 2021, members=10, workers=3, charter_capital=100, grade="kha")

    address = "/chi-tieu/?year=2021&area=03549"
    add("0401")
    officer.get(address)  # warm-up
    one = queries_for(officer, address)
    add("0402")
    add("0403")
    assert queries_for(officer, address) == one


# --- the drill-down -------------------------------------------------------------------


def test_it_traces_a_sum_to_rows_that_add_up_to_it(demo):
    client = client_for(person(Role.PLANNING, "109"))
    response = client.get("/chi-tieu/capital/", {"year": "2021", "area": "109"})
    assert response.status_code == 200
    rows = response.context["detail_rows"]
    assert len(rows) == 27
    assert sum(r["value"] for r in rows) == response.context["figure"] == 63090
    text = body(response)
    assert "Σ vốn điều lệ trên R." in text
    assert "Tổng: 63.090" in text
    assert f'href="/htx/{rows[0]["code"]}/"' in text


def test_it_traces_a_count_to_as_many_cooperatives(demo):
    client = client_for(person(Role.PLANNING, "109"))
    response = client.get("/chi-tieu/coops_active/", {"year": "2021", "area": "109"})
    assert len(response.context["detail_rows"]) == response.context["figure"] == 27


def test_it_lists_only_the_cooperatives_the_user_may_see(officer, mine, u):
    moved = coop("0501", u.tt_phong_tho, u.xa_phong_tho, name="HTX Đã chuyển đi")
    factories.yearly(moved, 2021, members=7)
    services.move_entity(entity=moved, unit=u.dao_san_new, date=D(2025, 8, 1), source="test")
    response = officer.get("/chi-tieu/members/", {"year": "2021", "area": "03549"})
    assert response.context["figure"] == 19
    assert [r["code"] for r in response.context["detail_rows"]] == ["0101"]
    assert response.context["hidden"] == 1
    assert "HTX Đã chuyển đi" not in response.text
    assert "ngoài phạm vi xem" in response.text


def test_it_counts_but_never_names_a_checked_cooperative_outside_the_territory(officer, mine, u):
    """In 2021 HTX 0501 was in Thị trấn Phong Thổ without a report; it has since moved to
    Dào San: the check counts it for 2021, but the officer of Xã Phong Thổ no longer sees it,
    so neither the page nor the API names it."""
    moved = coop("0501", u.tt_phong_tho, u.xa_phong_tho, name="HTX Đã chuyển đi")
    services.move_entity(entity=moved, unit=u.dao_san_new, date=D(2025, 8, 1), source="test")
    page = officer.get("/chi-tieu/kiem-tra/", {"year": "2021", "area": "03549"})
    assert "1 HTX đang hoạt động chưa có số liệu năm." in page.text
    assert "0501" not in page.text
    assert "(1 HTX ngoài phạm vi xem)" in page.text
    api = officer.get("/api/v1/indicators", {"year": "2021", "area": "03549"}).json()
    missing = next(c for c in api["checks"] if c["rule"] == "missing_report")
    assert missing["count"] == 1
    assert missing["entities"] == []


def test_it_answers_404_for_an_unknown_indicator(officer, mine):
    assert officer.get("/chi-tieu/khong_co/", {"year": "2021"}).status_code == 404


def test_it_keeps_the_number_of_drill_down_queries_constant(officer, u):
    def add(code):
        e = coop(code, u.tt_phong_tho, u.xa_phong_tho, name=f"HTX {code}")
        factories.yearly(e, 2021, members=10, workers=3)

    address = "/chi-tieu/members/?year=2021&area=03549"
    add("0601")
    officer.get(address)  # warm-up
    one = queries_for(officer, address)
    add("0602")
    add("0603")
    assert queries_for(officer, address) == one


# --- checks and narrative ---------------------------------------------------------------


def test_it_shows_every_detail_of_the_checks(officer, u):
    few = coop("0701", u.tt_phong_tho, u.xa_phong_tho, name="HTX Ít thành viên")
    factories.yearly(few, 2021, members=3, workers=5, workers_trained=2)
    coop("0702", u.tt_phong_tho, u.xa_phong_tho, name="HTX Chưa báo cáo")
    response = officer.get("/chi-tieu/kiem-tra/", {"year": "2021", "area": "03549"})
    text = body(response)
    assert "1 HTX đang hoạt động chưa có số liệu năm." in text
    assert "HTX Chưa báo cáo" in text
    assert 'href="/htx/0702/"' in text
    assert "HTX Ít thành viên" in text


def test_it_writes_the_narrative_in_a_block_to_copy(demo):
    client = client_for(person(Role.PLANNING, "109"))
    response = client.get("/chi-tieu/hien-trang/", {"year": "2021", "area": "109"})
    text = body(response)
    assert 'id="narrative-text"' in text
    assert "Năm 2021, trên địa bàn Huyện Phong Thổ có 27 hợp tác xã đang hoạt động" in text
    assert "63.090" in text
    assert "data-copy" in text


def test_it_shows_the_data_checks_before_the_narrative(demo):
    client = client_for(person(Role.PLANNING, "109"))
    # 2024: HTX Thương mại Lả Nhì Thàng (6200000013) sent no report.
    text = body(client.get("/chi-tieu/hien-trang/", {"year": "2024", "area": "109"}))
    assert "1 HTX đang hoạt động chưa có số liệu năm." in text
    assert text.index("chưa có số liệu năm") < text.index('id="narrative-text"')
