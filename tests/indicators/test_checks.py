"""Data-quality rules: each one fires on the case it is for, and names the cooperative."""

import datetime as dt

import pytest

from kttt.indicators.checks import RULE_CODES
from kttt.indicators.engine import compute
from kttt.registry import services
from tests.factories import entity, yearly

pytestmark = pytest.mark.django_db
D = dt.date


def findings(year, area="109"):
    return {c["rule"]: c for c in compute(year, area)["checks"]}


def test_it_is_silent_on_clean_data(phong_tho):
    e = entity("CLEAN", phong_tho.tt_phong_tho)
    yearly(e, 2021, members=8, income_avg=40, revenue=100, profit=5)
    yearly(e, 2022, members=8, income_avg=44, revenue=100, profit=5)
    assert findings(2022) == {}


def test_it_flags_each_problem_and_names_the_cooperative(phong_tho):
    u = phong_tho
    yearly(entity("JUMP", u.tt_phong_tho), 2021, members=8, income_avg=40)
    services.save_yearly(
        entity=services.Entity.objects.get(code="JUMP"),
        year=2022,
        values={"members": 8, "income_avg": 70},
    )  # +75 %
    yearly(entity("ZERO", u.mu_sang), 2022, members=8, revenue=0, profit=5)
    yearly(entity("FEW", u.mu_sang), 2022, members=3)
    entity("SILENT", u.ban_lang)
    ocop = entity("OCOP", u.ban_lang)
    yearly(ocop, 2022, members=9)
    # Recognised 15/02/2020: valid until 15/02/2023, within 90 days of 31/12/2022.
    services.save_ocop(
        entity=ocop, name="Chè", values={"stars": 3, "recognized_on": D(2020, 2, 15)}
    )
    got = findings(2022)
    assert got["income_jump"]["entities"] == ["JUMP"]
    assert got["revenue_zero_profit"]["entities"] == ["ZERO"]
    assert got["few_members"]["entities"] == ["FEW"]
    assert got["missing_report"]["entities"] == ["SILENT"]
    assert got["missing_report"]["message"] == "1 HTX đang hoạt động chưa có số liệu năm."
    assert got["ocop_expiring"]["entities"] == ["OCOP"]
    assert got["income_jump"]["severity"] == "warning"
    assert set(got) <= set(RULE_CODES)


def test_it_flags_an_entity_left_in_a_unit_that_ended(phong_tho):
    # Xã Mù Sang ended on 30/06/2025 and no commune-level succession names it.
    entity("STUCK", phong_tho.mu_sang)
    got = findings(2026)
    assert got["ended_unit_without_successor"]["entities"] == ["STUCK"]
    assert got["ended_unit_without_successor"]["severity"] == "error"
    assert "ended_unit_without_successor" not in findings(2024)
