"""Registry pages: the list, a cooperative's page and its forms.

Personas: an administrator; a commune officer of today's Xã Phong Thổ; a viewer of the same
commune (reads, never writes); a cooperative's representative (figures of their own HTX
only). "Theirs" lies in Xã Dào San, outside the officer's area.
"""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kttt.accounts.models import Role
from kttt.registry import services
from kttt.registry.models import Entity, Kind, OcopProduct, Sector, Status, YearlyReport
from tests import factories
from tests.web import PLAIN_STORAGES, admin, client_for, commune_officer, coop, person, viewer

pytestmark = pytest.mark.django_db
D = dt.date


@pytest.fixture(autouse=True)
def _plain_static(settings):
    settings.STORAGES = PLAIN_STORAGES


@pytest.fixture
def u(phong_tho):
    return phong_tho


@pytest.fixture
def mine(u):
    return coop("0101", u.tt_phong_tho, u.xa_phong_tho, name="HTX Nông nghiệp Phúc Hưng")


@pytest.fixture
def theirs(u):
    return coop("0202", u.mu_sang, u.dao_san_new, name="HTX Dịch vụ Dào San")


@pytest.fixture
def officer(db):
    return client_for(commune_officer())


@pytest.fixture
def reader(db):
    return client_for(viewer())


def detail(entity):
    return reverse("registry:entity_detail", args=[entity.code])


def url(name, entity, *args):
    return reverse(f"registry:{name}", args=[entity.code, *args])


def queries_for(client, address):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(address)
    assert response.status_code == 200
    return len(ctx)


# --- log-in required ------------------------------------------------------------------


def test_it_keeps_the_list_at_its_own_address_beside_the_home_page(officer):
    assert reverse("registry:entity_list") == "/htx/"
    assert reverse("overview:home") == "/"


@pytest.mark.parametrize(
    "address",
    ["/htx/", "/htx/0101/", "/them-htx/", "/htx/0101/so-lieu/them/", "/htx.xlsx"],
)
def test_it_sends_anonymous_visitors_to_the_login_page(client, mine, address):
    response = client.get(address)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login") + "?next=")


# --- the list -------------------------------------------------------------------------


def test_it_lists_only_the_cooperatives_of_the_users_area(officer, mine, theirs):
    response = officer.get("/htx/")
    assert response.status_code == 200
    assert "HTX Nông nghiệp Phúc Hưng" in response.text
    assert "Dào San" not in response.text.split('id="results"')[1]


def test_it_shows_code_kind_sector_commune_and_status(officer, mine):
    services.change_status(entity=mine, status=Status.PAUSED, date=D(2026, 1, 5))
    text = officer.get("/htx/").text
    for expected in (
        "0101",
        "Hợp tác xã",
        "Nông - lâm nghiệp, thủy sản",
        "Xã Phong Thổ",
        "Tạm ngừng hoạt động",
    ):
        assert expected in text


def test_it_finds_names_ignoring_case_and_diacritics(officer, mine, u):
    coop("0102", u.tt_phong_tho, u.xa_phong_tho, name="HTX Thanh Bình")
    text = officer.get("/htx/", {"q": "phuc hung"}).text
    assert "Phúc Hưng" in text
    assert "Thanh Bình" not in text
    assert "Phúc Hưng" in officer.get("/htx/", {"q": "PHÚC"}).text


def test_it_sorts_names_in_vietnamese_alphabetical_order(officer, u):
    for i, name in enumerate(["HTX Bình", "HTX Đông", "HTX Ân", "HTX Dung", "HTX An"]):
        coop(f"03{i}", u.tt_phong_tho, u.xa_phong_tho, name=name)
    text = officer.get("/htx/").text
    positions = [
        text.index(f">{n}<") for n in ("HTX An", "HTX Ân", "HTX Bình", "HTX Dung", "HTX Đông")
    ]
    assert positions == sorted(positions)


def test_it_filters_by_sector_kind_status_and_area(u):
    a = coop("0401", u.tt_phong_tho, u.xa_phong_tho, name="HTX Một", sector=Sector.XAY_DUNG)
    coop("0402", u.tt_phong_tho, u.xa_phong_tho, name="HTX Hai", kind=Kind.THT)
    coop("0403", u.mu_sang, u.dao_san_new, name="HTX Ba")
    services.change_status(entity=a, status=Status.DISSOLVED, date=D(2025, 9, 1))
    client = client_for(admin())

    def names(**params):
        body = client.get("/htx/", params).text.split('id="results"')[1]
        return {n for n in ("HTX Một", "HTX Hai", "HTX Ba") if f">{n}<" in body}

    assert names() == {"HTX Một", "HTX Hai", "HTX Ba"}
    assert names(sector="xay_dung") == {"HTX Một"}
    assert names(kind="tht") == {"HTX Hai"}
    assert names(status="dissolved") == {"HTX Một"}
    assert names(status="active") == {"HTX Hai", "HTX Ba"}
    assert names(area="03571") == {"HTX Ba"}
    # The former district, read today, means the communes that succeeded it.
    assert names(area="109") == {"HTX Một", "HTX Hai", "HTX Ba"}
    assert names(area="03549", kind="htx") == {"HTX Một"}


def test_it_offers_only_units_of_the_users_area(officer, mine):
    form = officer.get("/htx/").context["form"]
    codes = [code for code, _label in form.fields["area"].choices if code]
    assert codes == ["03549"]


def test_it_ignores_an_invalid_filter_instead_of_failing(officer, mine):
    response = officer.get("/htx/", {"status": "nonsense", "area": "99999", "page": "x"})
    assert response.status_code == 200
    assert "Phúc Hưng" in response.text


def test_it_returns_only_the_table_to_an_htmx_request(officer, mine):
    response = officer.get("/htx/", {"q": "phuc"}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert "<html" not in response.text
    assert "Phúc Hưng" in response.text
    assert "HX-Request" in response["Vary"]
    full = officer.get("/htx/", {"q": "phuc"})
    assert "<html" in full.text
    assert 'hx-get="/htx/"' in full.text


def test_it_paginates(officer, u, settings):
    settings.KTTT_PAGE_SIZE = 2
    for i, name in enumerate(["HTX A", "HTX B", "HTX C"]):
        coop(f"05{i}", u.tt_phong_tho, u.xa_phong_tho, name=name)
    first = officer.get("/htx/").text
    second = officer.get("/htx/", {"page": "2"}).text
    assert ">HTX A<" in first
    assert ">HTX C<" not in first
    assert ">HTX C<" in second
    assert "Trang 2/2" in second


def test_it_keeps_the_number_of_list_queries_constant(officer, u):
    coop("0601", u.tt_phong_tho, u.xa_phong_tho, name="HTX Một")
    officer.get("/htx/")  # warm-up
    one = queries_for(officer, "/htx/?status=active")
    coop("0602", u.tt_phong_tho, u.xa_phong_tho, name="HTX Hai")
    coop("0603", u.tt_phong_tho, u.xa_phong_tho, name="HTX Ba")
    three = queries_for(officer, "/htx/?status=active")
    assert one == three


def test_it_exports_the_filtered_list_to_excel(officer, mine, theirs, u):
    from openpyxl import load_workbook

    coop("0103", u.tt_phong_tho, u.xa_phong_tho, name="HTX Thanh Bình")
    response = officer.get("/htx.xlsx", {"q": "phuc hung"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    import io

    book = load_workbook(io.BytesIO(response.content))
    codes = [str(row[0]) for row in book["HTX"].iter_rows(min_row=2, values_only=True) if row[0]]
    assert codes == ["0101"]


# --- a cooperative's page ---------------------------------------------------------------


def test_it_shows_a_cooperative_to_its_area_and_hides_it_from_others(officer, reader, mine, theirs):
    assert officer.get(detail(mine)).status_code == 200
    assert reader.get(detail(mine)).status_code == 200
    assert officer.get(detail(theirs)).status_code == 404
    assert officer.get("/htx/KHONG-CO/").status_code == 404


def test_it_shows_the_whole_profile(officer, u):
    e = coop(
        "0701",
        u.tt_phong_tho,
        u.xa_phong_tho,
        name="HTX Kiểu Mới",
        is_model_coop=True,
        address="Bản Pa So",
        phone="0213 3876 543",
        representative="Lò Văn A",
    )
    text = officer.get(detail(e)).text
    for expected in (
        "HTX Kiểu Mới",
        "0701",
        "QĐ 167",
        "Bản Pa So",
        "0213 3876 543",
        "Lò Văn A",
        "01/01/2015",
        "Đang hoạt động",
    ):
        assert expected in text


def test_it_shows_numbers_the_vietnamese_way_and_years_ungrouped(officer, mine):
    factories.yearly(
        mine,
        2021,
        members=213,
        workers=79,
        charter_capital=63090,
        income_avg=46.5,
        revenue=19682,
        profit=-12.5,
    )
    text = officer.get(detail(mine)).text
    for expected in ("63.090", "46,5", "19.682", "-12,5", ">2021<", ">213<"):
        assert expected in text
    assert "2.021" not in text


def test_it_shows_status_and_location_history(officer, mine, u):
    services.change_status(entity=mine, status=Status.PAUSED, date=D(2020, 3, 1), note="QĐ 12")
    text = officer.get(detail(mine)).text
    assert "01/03/2020" in text
    assert "QĐ 12" in text
    assert "Tạm ngừng hoạt động" in text
    assert "Thị trấn Phong Thổ" in text  # 2015 location
    assert "01/07/2025" in text
    assert "Xã Phong Thổ (03549)" in text


def test_it_labels_a_location_that_came_from_a_succession(u):
    from kttt.areas.models import Succession

    e = factories.entity("0801", u.sin_suoi_ho_old, name="HTX Sin Suối Hồ")
    succession = Succession.objects.get(old_units=u.sin_suoi_ho_old)
    services.apply_succession(succession=succession)
    text = client_for(admin()).get(detail(e)).text
    assert "Theo sắp xếp ĐVHC" in text
    assert "CHƯA XÁC MINH" in text


def test_it_shows_ocop_products_with_validity_and_expiry(officer, mine):
    services.save_ocop(
        entity=mine,
        name="Chè Shan tuyết",
        values={"stars": 4, "recognized_on": D(2022, 5, 10), "level": "tinh"},
    )
    services.save_ocop(
        entity=mine,
        name="Miến dong",
        values={"stars": 3, "recognized_on": D(2025, 1, 2), "level": ""},
    )
    text = officer.get(detail(mine)).text
    assert "10/05/2025" in text  # 36 months after 10/05/2022
    assert "Hết hạn" in text
    assert "02/01/2028" in text
    assert "Còn hiệu lực" in text
    assert "4 ★" in text
    assert "Tỉnh" in text


def test_it_shows_the_change_history(mine):
    officer = commune_officer()
    officer.first_name, officer.last_name = "Lan", "Nguyễn Thị"
    officer.save(update_fields=["first_name", "last_name"])
    response = client_for(officer).post(
        url("yearly_create", mine), {"year": "2021", "charter_capital": "63.090", "grade": "kha"}
    )
    assert response.status_code == 302
    text = client_for(officer).get(detail(mine)).text
    assert "Số liệu năm 2021" in text
    assert "Lan Nguyễn Thị" in text
    assert "Vốn điều lệ (triệu đồng)" in text
    assert "63.090" in text
    assert "– → Khá" in text


def test_it_keeps_the_number_of_detail_queries_constant(officer, mine):
    def add(i):
        factories.yearly(mine, 2020 + i, members=10 + i, revenue=100)
        services.save_ocop(
            entity=mine,
            name=f"Sản phẩm {i}",
            values={"stars": 3, "recognized_on": D(2024, 1, 1), "level": ""},
        )
        services.change_status(
            entity=mine, status=[Status.PAUSED, Status.ACTIVE][i % 2], date=D(2020, 1, 1 + i)
        )

    add(0)
    officer.get(detail(mine))  # warm-up
    one = queries_for(officer, detail(mine))
    add(1)
    add(2)
    three = queries_for(officer, detail(mine))
    assert one == three


def test_it_shows_write_buttons_only_to_writers(officer, reader, mine):
    assert "Sửa thông tin" in officer.get(detail(mine)).text
    assert "Thêm số liệu năm" in officer.get(detail(mine)).text
    text = reader.get(detail(mine)).text
    assert "Sửa thông tin" not in text
    assert "Thêm số liệu năm" not in text


# --- the triad on every form ------------------------------------------------------------

FORMS = [
    ("entity_edit", ()),
    ("entity_status", ()),
    ("entity_move", ()),
    ("yearly_create", ()),
    ("ocop_create", ()),
]


@pytest.mark.parametrize(("name", "args"), FORMS)
def test_it_opens_each_form_to_a_writer_of_the_area(officer, mine, name, args):
    assert officer.get(url(name, mine, *args)).status_code == 200


@pytest.mark.parametrize(("name", "args"), FORMS)
def test_it_hides_each_form_of_another_area(officer, theirs, name, args):
    assert officer.get(url(name, theirs, *args)).status_code == 404
    assert officer.post(url(name, theirs, *args), {}).status_code == 404


@pytest.mark.parametrize(("name", "args"), FORMS)
def test_it_forbids_each_form_to_a_viewer(reader, mine, name, args):
    assert reader.get(url(name, mine, *args)).status_code == 403
    assert reader.post(url(name, mine, *args), {}).status_code == 403


def test_it_forbids_creating_to_a_viewer(reader, u):
    assert reader.get("/them-htx/").status_code == 403
    response = reader.post("/them-htx/", entity_post(u.xa_phong_tho))
    assert response.status_code == 403
    assert not Entity.objects.exists()


def test_it_lets_a_representative_enter_figures_but_not_edit_the_registry(mine):
    rep = client_for(person(Role.COOPERATIVE, cooperative=mine))
    assert rep.get(url("yearly_create", mine)).status_code == 200
    assert rep.get(url("ocop_create", mine)).status_code == 200
    assert rep.get(url("entity_edit", mine)).status_code == 403
    assert rep.get("/them-htx/").status_code == 403


# --- creating and editing an entity -----------------------------------------------------


def entity_post(unit, **over):
    data = {
        "code": "6200123456",
        "name": "HTX  Rau sạch Phong Thổ ",
        "kind": "htx",
        "sector": "nong_nghiep",
        "established_on": "15/08/2025",
        "unit": str(unit.pk),
        "is_model_coop": "on",
        "address": "Bản Lả",
        "phone": "0912 345 678",
        "representative": "Giàng A Páo",
    }
    data.update(over)
    return data


def test_it_creates_a_cooperative(officer, u):
    response = officer.post("/them-htx/", entity_post(u.xa_phong_tho))
    assert response.status_code == 302
    e = Entity.objects.get(code="6200123456")
    assert response["Location"] == detail(e)
    assert e.name == "HTX Rau sạch Phong Thổ"
    assert e.established_on == D(2025, 8, 15)
    assert e.is_model_coop
    assert e.locations.get().unit == u.xa_phong_tho
    assert e.audit_entries.get().action == "create"


def test_it_refuses_a_commune_outside_the_users_area(officer, u):
    response = officer.post("/them-htx/", entity_post(u.dao_san_new))
    assert response.status_code == 400
    assert "nằm ngoài phạm vi được giao" in response.text
    assert not Entity.objects.exists()


def test_it_refuses_a_commune_that_did_not_exist_at_the_date(u):
    client = client_for(admin())
    response = client.post("/them-htx/", entity_post(u.xa_phong_tho, established_on="01/01/2020"))
    assert response.status_code == 400
    assert "Xã Phong Thổ không tồn tại vào ngày 01/01/2020" in response.text


def test_it_shows_vietnamese_errors_next_to_fields(officer, u, mine):
    response = officer.post(
        "/them-htx/", entity_post(u.xa_phong_tho, code="0101", name="", established_on="31/02/2025")
    )
    assert response.status_code == 400
    form = response.context["form"]
    assert form.errors["code"] == ["Mã số HTX 0101 đã có trong sổ."]
    assert form.errors["name"] == ["Chưa nhập trường này."]
    assert form.errors["established_on"] == ["Ngày “31/02/2025” không tồn tại"]
    assert 'class="error"' in response.text


def test_it_does_not_say_that_a_code_of_another_territory_exists(officer, u):
    """Creating a cooperative with the code of one in Dào San: the officer of Xã Phong Thổ
    is told the code cannot be used, not that it is in the registry."""
    factories.entity("0909", u.mu_sang, established=D(2016, 1, 1))
    response = officer.post("/them-htx/", entity_post(u.xa_phong_tho, code="0909"))
    assert response.status_code == 400
    assert response.context["form"].errors["code"] == [
        "Không dùng được mã số HTX 0909. Nếu đây là HTX trên địa bàn của bạn, hãy liên hệ quản "
        "trị hệ thống."
    ]
    assert "đã có trong sổ" not in response.text


def test_it_refreshes_communes_for_a_date(officer, u):
    before = officer.get(reverse("registry:commune_options"), {"established_on": "01/01/2020"})
    after = officer.get(reverse("registry:commune_options"), {"established_on": "01/01/2026"})
    assert "Xã Phong Thổ (03549)" in after.text
    assert "Xã Phong Thổ" not in before.text  # Xã Phong Thổ did not exist in 2020
    # ... but the communes that went into it did: they are the officer's territory then.
    assert "Thị trấn Phong Thổ (03549, đến 30/06/2025)" in before.text
    assert "Xã Huổi Luông (03490, đến 30/06/2025)" in before.text
    assert "Xã Mù Sang" not in before.text  # went into Dào San, not Xã Phong Thổ
    admin_options = (
        client_for(admin())
        .get(reverse("registry:commune_options"), {"established_on": "01/01/2020"})
        .text
    )
    assert "Thị trấn Phong Thổ" in admin_options
    assert "Xã Dào San (03571)" not in admin_options


def test_it_edits_a_cooperative(officer, mine):
    data = {
        "name": "HTX Phúc Hưng Mới",
        "kind": "htx",
        "sector": "thuong_mai_dich_vu",
        "established_on": "01/01/2015",
        "address": "",
        "phone": "",
        "representative": "",
    }
    response = officer.post(url("entity_edit", mine), data)
    assert response.status_code == 302
    mine.refresh_from_db()
    assert mine.name == "HTX Phúc Hưng Mới"
    assert mine.sector == Sector.THUONG_MAI_DICH_VU
    text = officer.get(detail(mine)).text
    assert "HTX Nông nghiệp Phúc Hưng → HTX Phúc Hưng Mới" in text
    assert "Nông - lâm nghiệp, thủy sản → Thương mại - dịch vụ" in text


def test_it_prefills_the_edit_form_with_vietnamese_dates(officer, mine):
    text = officer.get(url("entity_edit", mine)).text
    assert 'value="01/01/2015"' in text


def test_it_changes_status_and_shows_a_refusal_as_a_form_error(officer, mine):
    ok = officer.post(url("entity_status", mine), {"status": "paused", "date": "02/03/2026"})
    assert ok.status_code == 302
    refused = officer.post(url("entity_status", mine), {"status": "paused", "date": "05/03/2026"})
    assert refused.status_code == 400
    assert "Trạng thái không thay đổi (đang là “Tạm ngừng hoạt động”)" in refused.text
    assert mine.status_changes.count() == 1


def test_it_moves_a_cooperative_within_the_users_reach(mine, u):
    officer = client_for(commune_officer())
    refused = officer.post(
        url("entity_move", mine), {"unit": u.dao_san_new.pk, "date": "01/09/2026"}
    )
    assert refused.status_code == 400
    client = client_for(admin())
    response = client.post(
        url("entity_move", mine), {"unit": u.dao_san_new.pk, "date": "01/09/2026"}
    )
    assert response.status_code == 302
    assert mine.locations.order_by("valid_from").last().unit == u.dao_san_new


# --- yearly figures -------------------------------------------------------------------


def test_it_accepts_numbers_written_the_vietnamese_way(officer, mine):
    response = officer.post(
        url("yearly_create", mine),
        {
            "year": "2021",
            "members": "1.213",
            "workers": "79",
            "workers_trained": "12",
            "managers": "4",
            "managers_primary": "1",
            "managers_university": "2",
            "charter_capital": "63.090",
            "revenue": "1.234,5",
            "profit": "-12,5",
            "income_avg": "46,5",
            "tax": "46.5",
            "grade": "tot",
            "hightech": "on",
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    r = YearlyReport.objects.get(entity=mine, year=2021)
    assert r.members == 1213
    assert r.charter_capital == Decimal("63090")
    assert r.revenue == Decimal("1234.5")
    assert r.profit == Decimal("-12.5")
    assert r.income_avg == Decimal("46.5")
    assert r.tax == Decimal("46.5")
    assert r.hightech
    assert not r.value_chain


def test_it_refuses_impossible_figures_with_vietnamese_messages(officer, mine):
    response = officer.post(
        url("yearly_create", mine),
        {
            "year": "2021",
            "members": "abc",
            "workers": "-3",
            "charter_capital": "-1",
            "income_avg": "1,2345",
        },
    )
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert errors["members"] == ["“abc” không phải là số"]
    assert errors["workers"] == ["Không được âm"]
    assert errors["charter_capital"] == ["Không được âm"]
    assert errors["income_avg"] == ["Chỉ được tối đa 3 chữ số thập phân (triệu đồng)"]
    assert not YearlyReport.objects.exists()


def test_it_refuses_more_trained_workers_than_workers(officer, mine):
    response = officer.post(
        url("yearly_create", mine), {"year": "2021", "workers": "10", "workers_trained": "12"}
    )
    assert response.status_code == 400
    assert response.context["form"].errors["workers_trained"] == [
        "Lao động qua đào tạo (12) nhiều hơn lao động thường xuyên (10)"
    ]
    assert "Lao động qua đào tạo (12) nhiều hơn lao động thường xuyên (10)" in response.text


def test_it_refuses_a_second_row_for_the_same_year(officer, mine):
    factories.yearly(mine, 2021, members=5)
    response = officer.post(url("yearly_create", mine), {"year": "2021", "members": "6"})
    assert response.status_code == 400
    assert "Đã có số liệu năm 2021" in response.text


def test_it_edits_a_yearly_row_showing_vietnamese_numbers(officer, mine):
    factories.yearly(mine, 2021, members=1213, charter_capital=63090, income_avg=46.5)
    # The officer's own draft: approved figures are locked for it (tests/registry/test_approval).
    YearlyReport.objects.filter(entity=mine).update(status="draft")
    edit = url("yearly_edit", mine, 2021)
    text = officer.get(edit).text
    assert 'value="1.213"' in text
    assert 'value="63.090"' in text
    assert 'value="46,5"' in text
    assert 'inputmode="decimal"' in text
    assert "2.021" not in text
    response = officer.post(
        edit, {"members": "1.214", "charter_capital": "63.090", "income_avg": "47"}
    )
    assert response.status_code == 302
    r = YearlyReport.objects.get(entity=mine, year=2021)
    assert (r.members, r.income_avg) == (1214, Decimal(47))


def test_it_answers_404_for_a_missing_year(officer, mine):
    assert officer.get(url("yearly_edit", mine, 1999)).status_code == 404


def test_it_deletes_a_yearly_row(officer, reader, mine, theirs):
    factories.yearly(mine, 2021, members=5)
    factories.yearly(theirs, 2021, members=5)
    assert officer.post(url("yearly_delete", mine, 2021)).status_code == 403  # approved
    YearlyReport.objects.filter(entity=mine).update(status="draft")
    assert reader.post(url("yearly_delete", mine, 2021)).status_code == 403
    assert officer.post(url("yearly_delete", theirs, 2021)).status_code == 404
    assert officer.get(url("yearly_delete", mine, 2021)).status_code == 200
    assert officer.post(url("yearly_delete", mine, 2021)).status_code == 302
    assert not mine.reports.exists()


# --- OCOP -----------------------------------------------------------------------------


def test_it_creates_edits_and_deletes_an_ocop_product(officer, mine):
    created = officer.post(
        url("ocop_create", mine),
        {"name": "Chè Shan tuyết", "stars": "4", "recognized_on": "10/05/2022", "level": "tinh"},
    )
    assert created.status_code == 302
    product = OcopProduct.objects.get(entity=mine)
    assert (product.stars, product.recognized_on) == (4, D(2022, 5, 10))
    edit = url("ocop_edit", mine, product.pk)
    assert 'value="10/05/2022"' in officer.get(edit).text
    assert (
        officer.post(
            edit,
            {
                "name": "Chè Shan tuyết cổ thụ",
                "stars": "5",
                "recognized_on": "10/05/2022",
                "level": "",
            },
        ).status_code
        == 302
    )
    product.refresh_from_db()
    assert (product.name, product.stars) == ("Chè Shan tuyết cổ thụ", 5)
    assert officer.post(url("ocop_delete", mine, product.pk)).status_code == 302
    assert not OcopProduct.objects.exists()


def test_it_refuses_bad_ocop_input(officer, mine):
    services.save_ocop(
        entity=mine,
        name="Miến dong",
        values={"stars": 3, "recognized_on": D(2024, 1, 1), "level": ""},
    )
    response = officer.post(
        url("ocop_create", mine), {"name": "Miến dong", "stars": "6", "recognized_on": "abc"}
    )
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert errors["name"] == ["HTX đã có sản phẩm OCOP tên này."]
    assert errors["stars"] == ["Lựa chọn không hợp lệ."]
    assert errors["recognized_on"] == ["“abc” không phải ngày theo dạng dd/mm/yyyy"]


def test_it_guards_ocop_products_of_other_areas(officer, reader, mine, theirs):
    values = {"stars": 3, "recognized_on": D(2024, 1, 1), "level": ""}
    own = services.save_ocop(entity=mine, name="A", values=values)
    other = services.save_ocop(entity=theirs, name="B", values=values)
    assert officer.get(url("ocop_edit", theirs, other.pk)).status_code == 404
    # A product reached through another cooperative's code is not found either.
    assert officer.get(url("ocop_edit", mine, other.pk)).status_code == 404
    assert reader.get(url("ocop_edit", mine, own.pk)).status_code == 403
    assert reader.post(url("ocop_delete", mine, own.pk)).status_code == 403
    assert officer.get(url("ocop_delete", mine, own.pk)).status_code == 200


# --- display filters ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [(63090, "63.090"), (46.5, "46,5"), (Decimal("19682.000"), "19.682"), (None, "–"), (0, "0")],
)
def test_it_formats_numbers_the_vietnamese_way(value, expected):
    from kttt.registry.templatetags.vn import vn_number

    assert vn_number(value) == expected


def test_it_formats_dates_and_moments_the_vietnamese_way():
    from kttt.registry.templatetags.vn import vn_date, vn_datetime

    assert vn_date(D(2025, 3, 5)) == "05/03/2025"
    assert vn_date(None) == "–"
    moment = dt.datetime(2025, 3, 4, 17, 30, tzinfo=dt.UTC)
    assert vn_datetime(moment) == "05/03/2025 00:30"  # Asia/Ho_Chi_Minh
    assert vn_date(moment) == "05/03/2025"


def test_it_shows_in_the_menu_only_what_the_user_may_do(officer, reader, mine):
    assert "Thêm HTX" in officer.get("/htx/").text
    text = reader.get("/htx/").text
    assert "Thêm HTX" not in text
    assert "Nhập Excel" not in text
    assert "Sắp xếp ĐVHC" not in text
