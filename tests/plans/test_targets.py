"""Target status (DOMAIN.md §5) on the demo and on hand-built cases."""

import datetime as dt
import json
from decimal import Decimal

import pytest
from django.core.management import call_command

from kttt.plans.evaluation import evaluate, path_value, status_for, trend
from kttt.plans.models import Comparison, Plan, Schedule, Target
from tests.factories import entity, yearly

D = dt.date


def make_target(**kw):
    plan = Plan(name="P", area_code="109", start_year=2021, end_year=2025, baseline_year=2021)
    defaults = {
        "code": "t",
        "description": "t",
        "indicator": "ocop_coops",
        "kind": "htx",
        "comparison": Comparison.GTE,
        "value": Decimal(8),
        "schedule": Schedule.END_OF_PERIOD,
    }
    return plan, Target(plan=plan, **{**defaults, **kw})


def test_it_draws_the_straight_path_from_baseline_to_target():
    plan, target = make_target()
    # baseline 2021 = 2, target 8 in 2025: +1,5 a year.
    assert path_value(2, target, plan, 2023) == 5.0
    assert path_value(2, target, plan, 2025) == 8.0


@pytest.mark.parametrize(
    ("values", "year", "status"),
    [
        ({2021: 2, 2023: 5}, 2023, "on_track"),  # path is 5
        ({2021: 2, 2023: 4}, 2023, "behind"),
        ({2021: 2, 2023: 9}, 2023, "on_track"),  # already past the target
        ({2021: 2, 2025: 8}, 2025, "achieved"),
        ({2021: 2, 2025: 7}, 2025, "not_achieved"),
        ({2021: 2, 2023: None}, 2023, "no_data"),
        ({2021: None, 2023: 4}, 2023, "no_data"),  # no baseline, no path
    ],
)
def test_it_judges_an_end_of_period_target(values, year, status):
    plan, target = make_target()
    assert status_for(target, plan, year, values).code == status


@pytest.mark.parametrize(
    ("comparison", "value", "high", "actual", "status"),
    [
        (Comparison.GT, 50, None, 50.0, "not_achieved"),
        (Comparison.GT, 50, None, 50.01, "achieved"),
        (Comparison.GTE, 30, None, 30.0, "achieved"),
        (Comparison.LTE, 5, None, 6.0, "not_achieved"),
        (Comparison.RANGE, 7, 10, 10.0, "achieved"),
        (Comparison.RANGE, 7, 10, 10.5, "not_achieved"),
    ],
)
def test_it_judges_an_every_year_target(comparison, value, high, actual, status):
    plan, target = make_target(
        comparison=comparison,
        value=Decimal(value),
        value_high=None if high is None else Decimal(high),
        schedule=Schedule.EVERY_YEAR,
    )
    assert status_for(target, plan, 2022, {2022: actual}).code == status


def test_it_projects_by_least_squares():
    # Points on y = 2x - 4040: 2021 -> 2, 2022 -> 4, 2023 -> 6; 2025 -> 10.
    assert trend([(2021, 2), (2022, 4), (2023, 6)], 2025) == pytest.approx(10)
    # (2021, 1), (2022, 3), (2023, 2): slope 0.5, mean (2022, 2) -> 2025: 3.5.
    assert trend([(2021, 1), (2022, 3), (2023, 2)], 2025) == pytest.approx(3.5)
    assert trend([(2021, 1)], 2025) is None


@pytest.mark.django_db
def test_it_evaluates_income_growth_from_the_data(phong_tho):
    plan = Plan.objects.create(
        name="P", area_code="109", start_year=2021, end_year=2025, baseline_year=2021
    )
    Target.objects.create(
        plan=plan,
        code="c",
        description="≥ 7 %",
        indicator="income_growth_pct",
        comparison=Comparison.GTE,
        value=7,
        schedule=Schedule.EVERY_YEAR,
    )
    e = entity("A", phong_tho.tt_phong_tho)
    yearly(e, 2021, workers=2, income_avg=40)
    yearly(e, 2022, workers=2, income_avg="42.8")  # +7 % exactly
    yearly(e, 2023, workers=2, income_avg="45.3")  # +5,84 %
    row = lambda y: evaluate(plan, y)["targets"][0]  # noqa: E731
    assert row(2021)["status"] == "Chưa đủ số liệu"  # no 2020 figure to grow from
    assert row(2022)["status"] == "Đạt"
    assert row(2022)["value"] == pytest.approx(7.0)
    assert row(2023)["status"] == "Chưa đạt"


@pytest.mark.django_db
def test_the_command_gives_every_demo_target_a_status(tmp_path, settings, capsys):
    settings.VAR_DIR = tmp_path
    call_command("load_demo", password="x-demo-x")
    capsys.readouterr()
    call_command("targets", year=2025, format="json")
    result = json.loads(capsys.readouterr().out)
    assert result["year"] == 2025
    statuses = {t["code"]: t["status"] for t in result["targets"]}
    assert set(statuses) == {
        "a_new_coops",
        "b_effective",
        "c_income_growth",
        "d_hightech",
        "d_value_chain",
        "d_ocop",
        "dd_mgr_primary",
        "dd_mgr_intermediate",
    }
    assert all(s in {"Đạt", "Chưa đạt", "Chưa đủ số liệu"} for s in statuses.values())
    # 2021 from the plan's own figures: 12 of 25 graded HTX are Tốt or Khá (48 %), 7 of 27
    # have a manager at trung cấp or above (25,93 %).
    call_command("targets", year=2021, format="json")
    first = {t["code"]: t for t in json.loads(capsys.readouterr().out)["targets"]}
    assert first["b_effective"]["status"] == "Chưa đạt"
    assert first["b_effective"]["value"] == 48.0
    assert first["dd_mgr_intermediate"]["status"] == "Chưa đạt"
    assert first["d_ocop"]["status"] == "Đúng tiến độ"  # 1 HTX in 2021 is the baseline itself
