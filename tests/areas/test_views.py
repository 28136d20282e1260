"""Pages of administrative units: the unit list (anyone logged in) and successions
(administrators only)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kttt.accounts.models import Role
from kttt.areas.models import Succession
from kttt.areas.services import record_succession
from tests import factories
from tests.web import PLAIN_STORAGES, admin, client_for, commune_officer, person, viewer

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _plain_static(settings):
    settings.STORAGES = PLAIN_STORAGES


@pytest.fixture
def root(phong_tho):
    return client_for(admin())


# --- unit list ------------------------------------------------------------------------


@pytest.mark.parametrize("address", ["/areas/", "/areas/successions/", "/areas/successions/them/"])
def test_it_sends_anonymous_visitors_to_the_login_page(client, address):
    response = client.get(address)
    assert response.status_code == 302
    assert response["Location"].startswith("/dang-nhap/?next=")


def test_it_lists_todays_units_to_any_logged_in_user(phong_tho):
    response = client_for(viewer()).get("/areas/")
    assert response.status_code == 200
    text = response.text
    assert "Xã Phong Thổ" in text
    assert "Xã Sin Suối Hồ" in text
    assert "Huyện Phong Thổ" not in text  # ended 30/06/2025
    assert "từ 01/07/2025" in text


def test_it_lists_the_units_valid_at_a_date(phong_tho):
    text = client_for(viewer()).get("/areas/", {"on": "01/01/2021", "level": "district"}).text
    assert "Huyện Phong Thổ" in text
    assert "đến hết 30/06/2025" in text
    assert "Xã Dào San" not in text
    assert 'class="level-province"' not in text


def test_it_explains_a_wrong_date_in_vietnamese(phong_tho):
    response = client_for(viewer()).get("/areas/", {"on": "32/01/2021"})
    assert response.status_code == 200
    assert "Ngày “32/01/2021” không tồn tại" in response.text


def test_it_keeps_the_number_of_unit_list_queries_constant(phong_tho):
    client = client_for(viewer())
    client.get("/areas/")

    def count(params):
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/areas/", params).status_code == 200
        return len(ctx)

    # 1 province vs 8 districts: the rows differ, the queries do not.
    assert count({"on": "01/01/2021", "level": "province"}) == count(
        {"on": "01/01/2021", "level": "district"}
    )


# --- successions ----------------------------------------------------------------------


def test_it_lists_successions_with_their_verification(root):
    response = root.get("/areas/successions/")
    assert response.status_code == 200
    text = response.text
    assert "01/07/2025" in text
    assert "CHƯA XÁC MINH" in text
    assert "Huyện Phong Thổ (109, đến 30/06/2025)" in text
    assert "→" in text
    assert "số liệu theo đơn vị cũ là gần đúng" in text  # only_old_territory = False
    assert "Nghị quyết 1670" in text  # source


@pytest.mark.parametrize("role", [Role.VIEWER, Role.COMMUNE, Role.PLANNING])
def test_it_forbids_successions_to_everyone_but_administrators(phong_tho, role):
    client = client_for(person(role, "3549"))
    s = Succession.objects.first()
    assert client.get("/areas/successions/").status_code == 403
    assert client.get("/areas/successions/them/").status_code == 403
    assert client.post("/areas/successions/them/", {}).status_code == 403
    assert client.post(f"/areas/successions/{s.pk}/ap-dung/").status_code == 403


def test_it_records_a_succession(root):
    response = root.post(
        "/areas/successions/them/",
        {
            "date": "01/07/2025",
            "old_codes": "3568, 3571",
            "new_codes": "3571",
            "verified": "on",
            "source": "NQ 1670/NQ-UBTVQH15, phụ lục",
        },
    )
    assert response.status_code == 302
    s = Succession.objects.get(source="NQ 1670/NQ-UBTVQH15, phụ lục")
    assert {u.name for u in s.old_units.all()} == {"Xã Mù Sang", "Xã Dào San"}
    assert [u.code for u in s.new_units.all()] == ["03571"]
    assert s.verified
    assert not s.only_old_territory
    assert "Đã xác minh" in root.get("/areas/successions/").text


def test_it_refuses_a_code_that_names_no_unit_at_the_date(root):
    response = root.post(
        "/areas/successions/them/",
        {"date": "01/07/2025", "old_codes": "3549", "new_codes": "99999, abc"},
    )
    assert response.status_code == 400
    assert "Mã không hợp lệ: abc" in response.text
    response = root.post(
        "/areas/successions/them/",
        {"date": "01/07/2025", "old_codes": "3549", "new_codes": "99999"},
    )
    assert response.status_code == 400
    assert "Không có đơn vị hành chính mã 99999 vào ngày 01/07/2025." in response.text


def test_it_applies_a_succession_and_lists_moved_and_undecided_entities(root, phong_tho):
    u = phong_tho
    moved = factories.entity("0901", u.sin_suoi_ho_old, name="HTX Sin Suối Hồ")
    undecided = factories.entity("0902", u.tt_phong_tho, name="HTX Thị trấn")
    one_to_one = Succession.objects.get(old_units=u.sin_suoi_ho_old)
    response = root.post(f"/areas/successions/{one_to_one.pk}/ap-dung/")
    assert response.status_code == 200
    assert "Đã chuyển địa bàn: 1 HTX" in response.text
    assert "HTX Sin Suối Hồ" in response.text
    assert moved.locations.count() == 2
    # Twice adds nothing.
    again = root.post(f"/areas/successions/{one_to_one.pk}/ap-dung/")
    assert "Đã chuyển địa bàn: 0 HTX" in again.text
    assert moved.locations.count() == 2

    # With two new communes the destination is for a person to decide.
    split = record_succession(
        date=factories.AFTER,
        old_codes=["3549"],
        new_codes=["3549", "3562"],
        only_old_territory=True,
    )
    response = root.post(f"/areas/successions/{split.pk}/ap-dung/")
    assert "Chưa xác định được địa bàn mới: 1 HTX" in response.text
    assert f'href="/htx/{undecided.code}/dia-ban/"' in response.text
    assert undecided.locations.count() == 1


def test_it_answers_404_for_a_missing_succession(root):
    assert root.post("/areas/successions/999999/ap-dung/").status_code == 404
    assert (
        root.get(f"/areas/successions/{Succession.objects.first().pk}/ap-dung/").status_code == 405
    )


def test_it_shows_the_succession_menu_only_to_administrators(root, phong_tho):
    assert "Sắp xếp ĐVHC" in root.get("/areas/").text
    assert "Sắp xếp ĐVHC" not in client_for(commune_officer()).get("/areas/").text
