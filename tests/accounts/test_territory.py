"""Territories through time (DOMAIN.md §3, docs/roles.md): a role's unit read today with
the ended units whose territory went into it through the recorded successions.

The fixture records the demo's commune-level succession of Xã Phong Thổ: Thị trấn Phong
Thổ (03549), Huổi Luông (03490), Ma Ly Pho (03574) and Lả Nhì Thàng (03391) went into Xã
Phong Thổ (new 03549) on 01/7/2025. Vàng Ma Chải (03562) went elsewhere (Sì Lở Lầu)."""

import datetime as dt

import pytest

from kttt.access.registry import entities_visible_to, entities_writable_by
from kttt.access.scope import Scope
from kttt.accounts.models import Role
from kttt.areas.services import record_succession
from kttt.registry import services
from tests.factories import entity, unit, user_with_role
from tests.web import client_for

pytestmark = pytest.mark.django_db
D = dt.date
REFORM = D(2025, 7, 1)


def scope(role, code):
    return Scope.of(user_with_role(role, code))


def names(units):
    return sorted(u.name for u in units)


@pytest.mark.parametrize(
    ("code", "on", "covered"),
    [
        ("3549", D(2018, 3, 15), True),  # Thị trấn Phong Thổ, before the reform
        ("3490", D(2018, 3, 15), True),  # Xã Huổi Luông, went into Xã Phong Thổ
        ("3574", D(2025, 6, 30), True),  # Xã Ma Ly Pho, on its last day
        ("3549", D(2025, 7, 1), True),  # Xã Phong Thổ itself
        ("3562", D(2018, 3, 15), False),  # Xã Vàng Ma Chải went into Sì Lở Lầu
        ("3568", D(2018, 3, 15), False),  # Xã Mù Sang, another commune of the district
        ("3394", D(2018, 3, 15), False),  # Xã Thèn Sin, Huyện Tam Đường
    ],
)
def test_it_covers_the_communes_that_went_into_a_commune(phong_tho, code, on, covered):
    officer = scope(Role.COMMUNE, "03549")
    assert officer.covers(unit(code, on), on) is covered


def test_it_does_not_cover_a_commune_on_a_day_it_did_not_exist(phong_tho):
    officer = scope(Role.COMMUNE, "03549")
    assert not officer.covers(phong_tho.tt_phong_tho, REFORM)
    assert not officer.covers(phong_tho.xa_phong_tho, D(2025, 6, 30))


def test_it_offers_the_communes_of_the_territory_that_existed_on_the_date(phong_tho):
    officer = scope(Role.COMMUNE, "03549")
    assert names(officer.placeable_communes(D(2018, 3, 15))) == [
        "Thị trấn Phong Thổ",
        "Xã Huổi Luông",
        "Xã Lả Nhì Thàng",
        "Xã Ma Ly Pho",
    ]
    assert names(officer.placeable_communes(D(2026, 1, 5))) == ["Xã Phong Thổ"]


def test_a_read_only_role_places_nothing(phong_tho):
    reader = scope(Role.VIEWER, "03549")
    assert not reader.covers(phong_tho.tt_phong_tho, D(2018, 3, 15))
    assert not reader.placeable_communes(D(2018, 3, 15)).exists()


def test_a_district_role_covers_every_commune_the_district_had_and_its_successors(phong_tho):
    district = scope(Role.PLANNING, "109")
    assert district.covers(phong_tho.mu_sang, D(2018, 3, 15))
    assert district.covers(phong_tho.xa_phong_tho, D(2026, 1, 5))
    assert district.covers(phong_tho.dao_san_new, D(2026, 1, 5))
    # Thèn Sin (Tam Đường) went into Xã Sin Suối Hồ, one of the district's successors.
    assert district.covers(phong_tho.then_sin, D(2018, 3, 15))
    assert not district.covers(unit("3424"), D(2018, 3, 15))  # Xã Bản Bo, Tam Đường


def test_it_shows_the_pre_reform_cooperatives_of_the_territory(phong_tho):
    """Imported after the succession was applied, an entity founded in 2018 keeps its
    pre-reform commune: it is still the people of the successor's own."""
    old = entity("OLD2018", phong_tho.tt_phong_tho, established=D(2018, 3, 15))
    elsewhere = entity("VMC", unit("3562"), established=D(2018, 3, 15))
    for role, code in [(Role.COMMUNE, "03549"), (Role.PLANNING, "109"), (Role.VIEWER, "109")]:
        visible = set(entities_visible_to(scope(role, code)).values_list("code", flat=True))
        assert "OLD2018" in visible
        assert ("VMC" in visible) is (code == "109")
    officer = client_for(user_with_role(Role.COMMUNE, "03549"))
    assert officer.get(f"/htx/{old.code}/").status_code == 200
    assert officer.get(f"/htx/{elsewhere.code}/").status_code == 404


@pytest.fixture
def split(phong_tho):
    """Xã Mù Sang split between Xã Dào San and Xã Sì Lở Lầu (made up for the test)."""
    record_succession(
        date=REFORM, old_codes=["3568"], new_codes=["3571", "3562"], only_old_territory=False
    )
    stuck = entity("STUCK", phong_tho.mu_sang, established=D(2016, 1, 1))
    moved = entity("MOVED", phong_tho.mu_sang, established=D(2016, 1, 1))
    services.move_entity(entity=moved, unit=unit("3562", REFORM), date=REFORM, source="test")
    return stuck, moved


@pytest.mark.parametrize("successor", ["03571", "03562"])
def test_each_successor_of_a_split_commune_reads_and_writes_what_stayed_in_it(split, successor):
    people = scope(Role.COMMUNE, successor)
    assert "STUCK" in entities_visible_to(people).values_list("code", flat=True)
    assert "STUCK" in entities_writable_by(people, {Role.COMMUNE}).values_list("code", flat=True)
    assert people.covers(unit("3568"), D(2016, 1, 1))


def test_a_cooperative_moved_by_a_split_belongs_to_the_successor_it_went_to(split):
    assert "MOVED" in entities_visible_to(scope(Role.COMMUNE, "03562")).values_list(
        "code", flat=True
    )
    assert "MOVED" not in entities_visible_to(scope(Role.COMMUNE, "03571")).values_list(
        "code", flat=True
    )


def test_the_figures_of_a_successor_of_a_split_commune_are_approximate(split):
    from kttt.areas.services import resolve_area

    assert resolve_area("03571", D(2026, 12, 31)).approximate
    assert not resolve_area("03549", D(2026, 12, 31)).approximate


def test_a_district_to_communes_succession_gives_a_commune_none_of_the_district(phong_tho):
    """Huyện Phong Thổ → five xã summarises the commune-level successions: Xã Dào San's
    officer gets no commune whose succession is not recorded (Mù Sang here)."""
    officer = scope(Role.COMMUNE, "03571")
    assert not officer.covers(phong_tho.mu_sang, D(2018, 3, 15))
    assert officer.covers(unit("3571", D(2018, 3, 15)), D(2018, 3, 15)) is False
    record_succession(
        date=REFORM, old_codes=["3571", "3568"], new_codes=["3571"], only_old_territory=True
    )
    officer = scope(Role.COMMUNE, "03571")
    assert officer.covers(phong_tho.mu_sang, D(2018, 3, 15))
    assert officer.covers(unit("3571", D(2018, 3, 15)), D(2018, 3, 15))


@pytest.mark.parametrize(
    ("role", "code", "area", "year", "allowed"),
    [
        (Role.PLANNING, "109", "03549", 2025, True),  # Xã Phong Thổ, a successor
        (Role.PLANNING, "109", "03549", 2024, True),  # Thị trấn Phong Thổ
        (Role.PLANNING, "109", "03549", 2026, True),
        (Role.PLANNING, "109", "109", 2025, True),
        (Role.COMMUNE, "03549", "03490", 2021, True),  # Huổi Luông went into Xã Phong Thổ
        (Role.COMMUNE, "03549", "03562", 2021, False),  # Vàng Ma Chải did not
        (Role.COMMUNE, "03549", "109", 2021, False),  # the whole district
        (Role.COMMUNE, "03549", "109", 2025, False),  # five communes, not only this one
    ],
)
def test_it_reads_the_figures_of_the_territory_in_every_year(
    phong_tho, role, code, area, year, allowed
):
    user = user_with_role(role, code)
    assert Scope.of(user).may_read_area(area, D(year, 12, 31)) is allowed
    client = client_for(user)
    expected = 200 if allowed else 404
    page = client.get("/chi-tieu/", {"year": year, "area": area})
    assert page.status_code == expected
    api = client.get("/api/v1/indicators", {"year": year, "area": area})
    assert api.status_code == expected
