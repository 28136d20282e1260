"""The year a page shows first and the reporting rate by unit (kttt.indicators.coverage), on
data whose expected figures are worked out by hand in the comments."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kttt.indicators.coverage import default_year, reporting_by_unit
from kttt.indicators.engine import compute
from kttt.registry import services
from kttt.registry.models import Kind, Status
from tests.factories import entity, yearly

pytestmark = pytest.mark.django_db
D = dt.date
TODAY = D(2026, 3, 1)


@pytest.fixture
def four(phong_tho):
    """Four HTX of Huyện Phong Thổ active since 2015: A, B, C in Thị trấn Phong Thổ, D in
    Xã Mù Sang; plus a dissolved HTX and a THT, both of which never count."""
    u = phong_tho
    coops = {
        "A": entity("A", u.tt_phong_tho),
        "B": entity("B", u.tt_phong_tho),
        "C": entity("C", u.tt_phong_tho),
        "D": entity("D", u.mu_sang),
    }
    gone = entity("GONE", u.mu_sang)
    services.change_status(entity=gone, status=Status.DISSOLVED, date=D(2020, 6, 1))
    yearly(gone, 2023, members=1)  # a row of a cooperative outside P: not a report of P
    tht = entity("T", u.mu_sang, kind=Kind.THT)
    yearly(tht, 2023, members=1)
    yearly(tht, 2024, members=1)
    return coops


def test_it_shows_the_latest_year_with_half_of_the_reports(four):
    # 2022: A, B of 4 = 50 % (enough); 2023: A of 4 = 25 % (not enough).
    for code in ("A", "B"):
        yearly(four[code], 2022, members=5)
    yearly(four["A"], 2023, members=5)
    assert default_year("109", today=TODAY) == 2022


def test_it_shows_a_newer_year_once_half_have_reported(four):
    for code in ("A", "B"):
        yearly(four[code], 2022, members=5)
        yearly(four[code], 2023, members=5)
    assert default_year("109", today=TODAY) == 2023


def test_it_reads_the_year_for_the_area_asked(four):
    # Xã Mù Sang holds D only: D reported in 2023 (1 of 1), while the district's 2023 is 1
    # of 4 and its 2022 is 2 of 4.
    for code in ("A", "B"):
        yearly(four[code], 2022, members=5)
    yearly(four["D"], 2023, members=5)
    assert default_year("109", today=TODAY) == 2022
    assert default_year("03568", today=TODAY) == 2023


def test_it_falls_back_to_the_latest_year_with_data_when_none_has_half(four):
    yearly(four["A"], 2022, members=5)  # 1 of 4
    yearly(four["B"], 2024, members=5)  # 1 of 4; THT rows in 2023 and 2024 do not count
    assert default_year("109", today=TODAY) == 2024


def test_it_never_shows_a_year_after_this_one(four):
    for code in ("A", "B", "C", "D"):
        yearly(four[code], 2022, members=5)
        yearly(four[code], 2027, members=5)  # entered ahead: years run to next year
    assert default_year("109", today=TODAY) == 2022


def test_without_any_data_it_shows_this_year(phong_tho):
    assert default_year("109", today=TODAY) == 2026


def test_the_reporting_rate_by_commune_adds_up_to_the_engine(four):
    # 2023: A and B reported in Thị trấn Phong Thổ (2 of 3 = 66,67 %), D in Mù Sang did not
    # (0 of 1). The dissolved HTX and the THT are outside P.
    for code in ("A", "B"):
        yearly(four[code], 2023, members=5)
    area, units = reporting_by_unit(2023, "109")
    assert area.code == "109"
    got = [(u.name, u.active, u.reported) for u in units]
    assert got == [("Xã Mù Sang", 1, 0), ("Thị trấn Phong Thổ", 3, 2)]  # lowest rate first
    assert units[0].rate_pct == 0
    assert units[1].rate_pct == pytest.approx(200 / 3)
    figures = compute(2023, "109")["indicators"]
    assert sum(u.active for u in units) == figures["coops_active"] == 4
    assert sum(u.reported for u in units) == figures["reports_received"] == 2


def test_a_province_is_broken_down_by_district(four):
    yearly(four["A"], 2023, members=5)
    _area, units = reporting_by_unit(2023, "12")
    assert [(u.name, u.active, u.reported) for u in units] == [("Huyện Phong Thổ", 4, 1)]
    assert units[0].rate_pct == 25


def test_the_breakdown_costs_the_same_queries_for_more_cooperatives(phong_tho):
    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            reporting_by_unit(2023, "109")
        return len(ctx)

    first = entity("E1", phong_tho.tt_phong_tho)
    yearly(first, 2023, members=1)
    one = queries()
    for i, commune in enumerate((phong_tho.mu_sang, phong_tho.ban_lang, phong_tho.mu_sang)):
        yearly(entity(f"E{i + 2}", commune), 2023, members=1)
    assert queries() == one


def test_the_indicator_page_opens_on_the_same_year(four, settings):
    """2022: A, B of 4 reported (50 %); 2023: only A (25 %): without ?year= the indicator
    page, like the home page, shows 2022, not 2023, the latest year with any data."""
    from tests.web import PLAIN_STORAGES, client_for, person

    settings.STORAGES = PLAIN_STORAGES
    for code in ("A", "B"):
        yearly(four[code], 2022, members=5)
    yearly(four["A"], 2023, members=5)
    from kttt.accounts.models import Role

    response = client_for(person(Role.PLANNING, "109")).get("/chi-tieu/", {"area": "109"})
    assert response.status_code == 200
    assert response.context["form"].cleaned_data["year"] == 2022
    asked = client_for(person(Role.PLANNING, "109", username="p2")).get(
        "/chi-tieu/", {"area": "109", "year": "2023"}
    )
    assert asked.context["form"].cleaned_data["year"] == 2023


def test_a_draft_or_a_submission_is_not_a_report_until_approved(four):
    """R is the engine's: approved rows. A, B approved for 2022 (2 of 4); C's 2022 draft and
    D's submitted 2022 row do not count, so the district's 2022 stays at 2 of 4, Mù Sang
    (D only) at 0 of 1, and the engine's reports_received agrees."""
    for code in ("A", "B"):
        yearly(four[code], 2022, members=5)
    services.save_yearly(entity=four["C"], year=2022, values={"members": 5}, approve=False)
    submitted = services.save_yearly(
        entity=four["D"], year=2022, values={"members": 5}, approve=False
    )
    services.submit_yearly(report=submitted)

    _area, units = reporting_by_unit(2022, "109")
    assert sorted((u.code, u.active, u.reported) for u in units) == [
        ("03549", 3, 2),
        ("03568", 1, 0),
    ]
    assert compute(2022, "109")["indicators"]["reports_received"] == 2
    assert default_year("03568", today=TODAY) != 2022  # D's 2022 has not come in

    services.approve_yearly(report=submitted)
    _area, units = reporting_by_unit(2022, "109")
    assert ("03568", 1, 1) in [(u.code, u.active, u.reported) for u in units]
    assert default_year("03568", today=TODAY) == 2022
