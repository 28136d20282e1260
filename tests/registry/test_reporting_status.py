"""The reporting status page (/duyet-so-lieu/tinh-hinh/, docs/approval.md): the area and the
year are chosen from menus, the area menu holding the user's areas and the units of its
territory that exist at the year's end; ?year=&area= keep working for links."""

import re

import pytest
from django.urls import reverse

from kttt.accounts.models import Role
from kttt.registry import services
from tests.web import PLAIN_STORAGES, client_for, coop, person

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("storages")]

URL = "/duyet-so-lieu/tinh-hinh/"


@pytest.fixture
def storages(settings):
    settings.STORAGES = PLAIN_STORAGES


def menu(html: str, name: str) -> list[tuple[str, str, bool]]:
    """(value, label, selected) of each option of the <select name=...>."""
    select = re.search(rf'<select id="id_{name}" name="{name}">(.*?)</select>', html, re.S)
    assert select is not None, f"no menu {name}"
    return [
        (value, label.strip(), bool(selected))
        for value, selected, label in re.findall(
            r'<option value="([^"]*)"( selected)?>([^<]*)</option>', select.group(1)
        )
    ]


def labels(html: str) -> list[str]:
    return [label for _, label, _ in menu(html, "area")]


def test_a_commune_office_chooses_its_commune_only(phong_tho):
    """A planning office at commune level (Xã Phong Thổ, 03549 since 01/7/2025): in 2025 its
    menu holds its commune and nothing else of the district."""
    office = client_for(person(Role.PLANNING, "3549"))
    page = office.get(URL, {"year": 2025})
    assert page.status_code == 200
    assert [(value, selected) for value, _, selected in menu(page.text, "area")] == [
        ("03549", True)
    ]
    assert labels(page.text)[0].startswith("Xã Phong Thổ")


def test_a_commune_office_reads_the_communes_that_went_into_its_own_before_2025(phong_tho):
    """Read at 31/12/2023, Xã Phong Thổ's territory is the four communes that went into it
    (tests/factories.units): Thị trấn Phong Thổ, Huổi Luông, Ma Ly Pho, Lả Nhì Thàng."""
    office = client_for(person(Role.PLANNING, "3549"))
    shown = labels(office.get(URL, {"year": 2023}).text)
    assert "Xã Huổi Luông" in shown
    assert "Xã Ma Ly Pho" in shown
    assert "Xã Lả Nhì Thàng" in shown
    assert "Xã Bản Lang" not in shown  # another commune of the district


def test_the_district_office_chooses_its_district_and_its_communes(phong_tho):
    office = client_for(person(Role.PLANNING, "109"))
    page = office.get(URL, {"year": 2023, "area": "109"})
    options = menu(page.text, "area")
    assert options[0][0::2] == ("109", True)
    assert options[0][1].startswith("Huyện Phong Thổ")
    shown = [label for _, label, _ in options]
    # the district's communes of 2023, among them those that ended on 30/6/2025
    assert {"Xã Huổi Luông", "Xã Ma Ly Pho", "Xã Bản Lang", "Xã Mù Sang"} <= set(shown)
    assert "Xã Bản Bo" not in shown  # Huyện Tam Đường's
    # after the reform the old communes are gone from the menu, the new one is there
    after = labels(office.get(URL, {"year": 2025}).text)
    assert "Xã Huổi Luông" not in after
    assert "Xã Phong Thổ" in after


def test_the_year_menu_holds_the_data_years_and_last_year(phong_tho):
    own = coop("OWN", phong_tho.tt_phong_tho, phong_tho.xa_phong_tho, name="HTX Một")
    services.save_yearly(entity=own, year=2021, values={"members": 3})
    page = client_for(person(Role.PLANNING, "109")).get(URL, {"year": 2021, "area": "109"})
    years = menu(page.text, "year")
    assert [value for value, _, _ in years] == ["2025", "2021"]  # today is late 2026 or later
    assert ("2021", "2021", True) in years


def test_the_typed_code_still_works_and_an_area_outside_answers_404(phong_tho):
    office = client_for(person(Role.PLANNING, "109"))
    page = office.get(URL, {"year": 2023, "area": "3549"})  # Thị trấn Phong Thổ in 2023
    assert ("03549", "Thị trấn Phong Thổ", True) in menu(page.text, "area")
    assert office.get(URL, {"year": 2023, "area": "106"}).status_code == 404
    bad = office.get(URL, {"year": 2023, "area": "99999"})
    assert bad.status_code == 400
    assert menu(bad.text, "area")  # the menu is there to choose again


def test_a_late_cooperative_shows_its_representative_and_phone(phong_tho):
    coop(
        "LATE",
        phong_tho.tt_phong_tho,
        phong_tho.xa_phong_tho,
        name="HTX Chưa Gửi",
        representative="Lò Văn Minh",
        phone="0912 345 678",
    )
    page = client_for(person(Role.PLANNING, "109")).get(URL, {"year": 2023, "area": "109"})
    assert "HTX Chưa Gửi" in page.text
    assert "Lò Văn Minh" in page.text
    assert 'href="tel:0912 345 678"' in page.text


def test_the_menus_do_not_grow_in_queries_with_the_cooperatives(
    phong_tho, django_assert_max_num_queries
):
    office = client_for(person(Role.PLANNING, "109"))
    coop("A1", phong_tho.tt_phong_tho, phong_tho.xa_phong_tho, name="HTX A1")
    office.get(URL, {"year": 2023, "area": "109"})
    with django_assert_max_num_queries(30) as one:
        office.get(URL, {"year": 2023, "area": "109"})
    for code in ("A2", "A3", "A4"):
        coop(code, phong_tho.tt_phong_tho, phong_tho.xa_phong_tho, name=f"HTX {code}")
    with django_assert_max_num_queries(len(one.captured_queries)):
        page = office.get(reverse("registry:reporting_status"), {"year": 2023, "area": "109"})
    assert page.text.count("Chưa báo cáo") == 4
