"""Area selectors (DOMAIN.md §3): a code read at a date; a unit that ended means its
territory; successions move entities forward without rewriting history."""

import datetime as dt

import pytest

from kttt.areas.models import Unit
from kttt.areas.services import AreaError, record_succession, resolve_area, unit_at
from kttt.registry import services
from kttt.registry.models import Entity, Status
from kttt.registry.queries import active_at, in_area
from tests.factories import entity

pytestmark = pytest.mark.django_db
D = dt.date


def codes(area_code, year):
    area = resolve_area(area_code, D(year, 12, 31))
    return sorted(in_area(Entity.objects.all(), area).values_list("code", flat=True))


def test_it_ships_lai_chau_before_and_after_the_reform():
    assert Unit.objects.filter(level="district").count() == 8
    assert Unit.objects.filter(level="commune", valid_to=D(2025, 6, 30)).count() == 106
    assert Unit.objects.filter(level="commune", valid_from=D(2025, 7, 1)).count() == 38
    assert Unit.objects.valid_at(D(2021, 6, 1)).filter(district__code="109").count() == 17
    # The package labels all of them "xã"; the name says which are wards and townships.
    assert unit_at("3549", D(2021, 1, 1)).division_type == "thị trấn"
    assert unit_at("3408", D(2025, 8, 1)).division_type == "phường"


@pytest.mark.parametrize(
    ("code", "on", "name"),
    [
        ("3549", D(2021, 1, 1), "Thị trấn Phong Thổ"),
        ("03549", D(2021, 1, 1), "Thị trấn Phong Thổ"),
        ("3549", D(2025, 7, 1), "Xã Phong Thổ"),
        ("3562", D(2025, 6, 30), "Xã Vàng Ma Chải"),
        ("3562", D(2025, 7, 1), "Xã Sì Lở Lầu"),
        ("3394", D(2024, 12, 31), "Xã Thèn Sin"),
        ("3394", D(2026, 1, 1), "Xã Sin Suối Hồ"),
        ("109", D(2025, 6, 30), "Huyện Phong Thổ"),
        ("12", D(2030, 1, 1), "Tỉnh Lai Châu"),
    ],
)
def test_it_reads_a_reused_code_at_its_date(code, on, name):
    assert unit_at(code, on).name == name


def test_it_finds_no_district_after_the_reform():
    assert unit_at("109", D(2025, 7, 1)) is None
    assert unit_at("3550", D(2026, 1, 1)) is None  # the old Sì Lở Lầu


def test_it_refuses_codes_that_mean_nothing_with_a_vietnamese_message():
    with pytest.raises(AreaError, match="không hợp lệ"):
        resolve_area("abc", D(2021, 12, 31))
    with pytest.raises(AreaError, match="Không có đơn vị hành chính mã 99999"):
        resolve_area("99999", D(2021, 12, 31))


@pytest.fixture
def world(phong_tho):
    """Three entities around the district's edge, one founded after the reform."""
    u = phong_tho
    return {
        "town": entity("TOWN", u.tt_phong_tho),  # Thị trấn Phong Thổ
        "ssh": entity("SSH", u.sin_suoi_ho_old),  # old Xã Sin Suối Hồ
        "thensin": entity("THENSIN", u.then_sin),  # Xã Thèn Sin, Huyện Tam Đường
        "late": entity("LATE", u.xa_phong_tho, established=D(2025, 9, 1)),
    }


def apply_all():
    from kttt.areas.models import Succession

    for succession in Succession.objects.all():
        services.apply_succession(succession=succession, source="test")


def test_it_counts_a_live_district_by_its_communes(world):
    assert codes("109", 2021) == ["SSH", "TOWN"]
    assert codes("106", 2021) == ["THENSIN"]
    assert codes("12", 2021) == ["SSH", "THENSIN", "TOWN"]


def test_it_reads_an_ended_district_through_its_successors_in_its_last_year(world):
    """DOMAIN.md §3 (amended): in the year of its end a district is read through its
    successors at 31/12, so LATE, founded 01/09/2025 in Xã Phong Thổ, is not lost."""
    apply_all()
    area = resolve_area("109", D(2025, 12, 31))
    assert area.location_date == D(2025, 12, 31)
    assert area.approximate is True  # Sin Suối Hồ also took Thèn Sin from Tam Đường
    # Thèn Sin went into the new Sin Suối Hồ, TOWN into Xã Phong Thổ.
    assert codes("109", 2025) == ["LATE", "SSH", "THENSIN", "TOWN"]


def test_it_reads_an_ended_district_through_its_successors_afterwards(world):
    apply_all()
    area = resolve_area("109", D(2026, 12, 31))
    assert area.name == "Huyện Phong Thổ"
    assert area.approximate is True  # Sin Suối Hồ also took Thèn Sin from Tam Đường
    assert {Unit.objects.get(pk=pk).name for pk in area.roots} == {
        "Xã Phong Thổ",
        "Xã Sin Suối Hồ",
        "Xã Dào San",
        "Xã Sì Lở Lầu",
        "Xã Khổng Lào",
    }
    assert codes("109", 2026) == ["LATE", "SSH", "THENSIN", "TOWN"]
    assert codes("3549", 2026) == ["LATE", "TOWN"]


def test_it_keeps_an_unplaced_entity_in_its_ended_district(world):
    """Without a commune-level succession, an entity of an ended commune stays there: it
    counts for its old district's territory, for no successor commune, until an
    administrator records where its commune went."""
    from kttt.areas.models import Succession

    Succession.objects.filter(old_units__code="03490").delete()  # Xã Phong Thổ's
    apply_all()
    assert codes("109", 2026) == ["LATE", "SSH", "THENSIN", "TOWN"]
    assert codes("3549", 2026) == ["LATE"]
    record_succession(
        date=D(2025, 7, 1), old_codes=["3549"], new_codes=["3549"], only_old_territory=True
    )
    assert codes("3549", 2026) == ["LATE", "TOWN"]  # read through the succession, not moved
    apply_all()
    assert codes("3549", 2026) == ["LATE", "TOWN"]


def test_it_counts_an_entity_left_in_an_absorbed_commune(world):
    """An entity imported after the succession was applied keeps its pre-reform commune:
    it counts for the successor all the same (nothing of the reform year is lost)."""
    apply_all()
    entity("OLD2018", world["town"].locations.first().unit, established=D(2018, 3, 15))
    assert "OLD2018" in codes("3549", 2025)
    assert "OLD2018" in codes("109", 2025)
    assert "OLD2018" in codes("3549", 2024)  # Thị trấn Phong Thổ itself


def test_it_treats_a_current_unit_as_exact(world):
    apply_all()
    area = resolve_area("3394", D(2026, 12, 31))
    assert area.name == "Xã Sin Suối Hồ"
    assert area.approximate is False
    assert codes("3394", 2026) == ["SSH", "THENSIN"]
    # The same code in 2021 is Xã Thèn Sin of Tam Đường.
    assert codes("3394", 2021) == ["THENSIN"]


def test_it_is_not_approximate_when_successors_took_only_old_territory(phong_tho):
    record_succession(
        date=D(2025, 7, 1), old_codes=["110"], new_codes=["3595", "3618"], only_old_territory=True
    )
    area = resolve_area("110", D(2026, 12, 31))
    assert area.approximate is False
    assert {Unit.objects.get(pk=pk).name for pk in area.roots} == {"Xã Than Uyên", "Xã Mường Than"}


def test_it_is_approximate_when_a_commune_went_into_a_unit_with_outside_territory():
    # Xã Thèn Sin of Tam Đường went into Sin Suối Hồ, which also took old Sin Suối Hồ
    # of Phong Thổ: Tam Đường after the reform includes someone else's territory.
    area = resolve_area("106", D(2026, 12, 31))
    assert area.approximate is True
    assert "Xã Sin Suối Hồ" in {Unit.objects.get(pk=pk).name for pk in area.roots}


def test_it_notes_an_ended_unit_with_no_successor():
    area = resolve_area("110", D(2026, 12, 31))  # Huyện Than Uyên: no succession shipped
    assert area.roots == ()
    assert "Chưa ghi nhận đơn vị kế thừa" in area.notes[0]


def test_it_never_rewrites_history_and_applies_once(world):
    town = world["town"]
    record_succession(
        date=D(2025, 7, 1), old_codes=["3549"], new_codes=["3549"], only_old_territory=True
    )
    apply_all()
    before = list(town.locations.values_list("unit__name", "valid_from"))
    apply_all()
    assert (
        list(town.locations.values_list("unit__name", "valid_from"))
        == before
        == [
            ("Thị trấn Phong Thổ", D(2015, 1, 1)),
            ("Xã Phong Thổ", D(2025, 7, 1)),
        ]
    )
    assert town.audit_entries.filter(target="location").count() == 1


def test_it_leaves_a_split_for_a_person_to_decide(world):
    succession = record_succession(
        date=D(2025, 7, 1), old_codes=["3549"], new_codes=["3549", "3571"], only_old_territory=True
    )
    moved, undecided = services.apply_succession(succession=succession)
    assert moved == []
    assert [e.code for e in undecided] == ["TOWN"]
    assert world["town"].locations.count() == 1


def test_it_refuses_a_succession_whose_codes_do_not_exist_at_its_date():
    with pytest.raises(AreaError, match="3550"):
        record_succession(
            date=D(2025, 7, 1), old_codes=["3549"], new_codes=["3550"], only_old_territory=True
        )


def test_it_reads_status_at_the_reference_date(phong_tho):
    e = entity("PAUSE", phong_tho.tt_phong_tho, established=D(2018, 3, 1))
    services.change_status(entity=e, status=Status.PAUSED, date=D(2022, 5, 1))
    services.change_status(entity=e, status=Status.ACTIVE, date=D(2023, 2, 1))
    services.change_status(entity=e, status=Status.DISSOLVED, date=D(2024, 12, 31))
    active = lambda y: active_at(Entity.objects.all(), D(y, 12, 31)).exists()  # noqa: E731
    assert [active(y) for y in (2017, 2021, 2022, 2023, 2024)] == [False, True, False, True, False]


def test_it_selects_the_whole_country(world):
    assert codes("VN", 2021) == ["SSH", "THENSIN", "TOWN"]
    assert resolve_area("vn", D(2021, 12, 31)).name == "Toàn quốc"


# --- successions read at their dates (a reviewer's counterexamples) --------------------


def test_a_successor_is_taken_only_from_successions_after_the_end(phong_tho):
    """A 2020 boundary change where Xã Mù Sang (109) gave land to Xã Bản Bo (Tam Đường)
    is not where Huyện Phong Thổ's territory went on 01/7/2025."""
    record_succession(
        date=D(2020, 1, 1), old_codes=["3568"], new_codes=["3568", "3424"], only_old_territory=False
    )
    record_succession(
        date=D(2025, 7, 1), old_codes=["3424"], new_codes=["3424"], only_old_territory=True
    )
    roots = {Unit.objects.get(pk=pk).name for pk in resolve_area("109", D(2025, 12, 31)).roots}
    assert "Xã Bản Bo" not in roots
    assert len(roots) == 5


@pytest.fixture
def absorbed_in_2023(phong_tho):
    """Made up for the test: Xã Thử (99001) of Huyện Phong Thổ ended on 31/12/2022 and
    went into Xã Mù Sang, which lived on."""
    test_unit = Unit.objects.create(
        code="99001",
        name="Xã Thử",
        level="commune",
        division_type="xã",
        parent=phong_tho.phong_tho,
        valid_to=D(2022, 12, 31),
    )
    record_succession(
        date=D(2023, 1, 1), old_codes=["99001"], new_codes=["3568"], only_old_territory=True
    )
    return test_unit


def test_a_unit_read_before_it_absorbed_another_has_not_absorbed_it(absorbed_in_2023):
    from kttt.areas.services import territory_changed

    assert resolve_area("3568", D(2021, 12, 31)).absorbed == ()
    assert resolve_area("3568", D(2023, 12, 31)).absorbed == (absorbed_in_2023.pk,)
    reading = {y: resolve_area("3568", D(y, 12, 31)) for y in (2021, 2022, 2023, 2024)}
    assert not territory_changed(reading[2021], reading[2022])
    assert territory_changed(reading[2022], reading[2023])
    assert not territory_changed(reading[2023], reading[2024])


def test_a_unit_that_gave_land_away_has_changed_territory(phong_tho):
    from kttt.areas.services import territory_changed

    record_succession(
        date=D(2023, 3, 1), old_codes=["3568"], new_codes=["3568", "3571"], only_old_territory=False
    )
    before, after = resolve_area("3568", D(2022, 12, 31)), resolve_area("3568", D(2023, 12, 31))
    assert territory_changed(before, after)
    # Inside the district nothing crossed its edge.
    assert not territory_changed(
        resolve_area("109", D(2022, 12, 31)), resolve_area("109", D(2023, 12, 31))
    )


def test_a_reorganisation_inside_a_province_leaves_its_territory_alone(phong_tho):
    from kttt.areas.services import territory_changed

    before, after = resolve_area("12", D(2024, 12, 31)), resolve_area("12", D(2025, 12, 31))
    assert not territory_changed(before, after)
