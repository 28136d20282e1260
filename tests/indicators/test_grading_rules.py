"""Counting "hoạt động hiệu quả" under each row's grading rule (issue 8), and the effective
target that names its rule and denominator. Figures worked out by hand below.

Four HTX of Thị trấn Phong Thổ moved into Xã Phong Thổ on 01/7/2025, all active, area 109:
  2024: A Tốt, B Khá, C Trung bình, D no grade -> classified 3, effective (Tốt+Khá) 2
  2025: A Tốt, B Khá, C Yếu, D no grade        -> classified 3, effective 2 under TT01;
        after a successor from 18/9/2025 counting Tốt only: effective 1
"""

import datetime as dt
import io

import pytest
from django.core.management import call_command

from kttt.indicators.engine import compute
from kttt.plans.evaluation import evaluate
from kttt.plans.models import Plan, Target
from kttt.registry.grading import save_grading_rule
from tests import factories
from tests.web import client_for, coop, person

pytestmark = pytest.mark.django_db
TT01 = "Thông tư 01/2020/TT-BKHĐT"
NEW = "Thông tư 99/2025/TT-BTC (thử)"
SUCCESSOR = {
    "name": NEW,
    "valid_from": dt.date(2025, 9, 18),
    "labels": {"tot": "Xuất sắc", "kha": "Khá", "trung_binh": "Trung bình", "yeu": "Yếu"},
    "effective": ["tot"],
}


@pytest.fixture
def coops(phong_tho):
    u = phong_tho
    grades = {"A": ("tot", "tot"), "B": ("kha", "kha"), "C": ("trung_binh", "yeu"), "D": ("", "")}
    for code, (g2024, g2025) in grades.items():
        e = coop(code, u.tt_phong_tho, u.xa_phong_tho)
        factories.yearly(e, 2024, members=7, grade=g2024)
        factories.yearly(e, 2025, members=7, grade=g2025)


def figures(year: int) -> dict:
    return compute(year, "109")["indicators"]


def test_before_a_successor_2025_counts_under_tt01_and_a_check_says_so(coops):
    got = figures(2025)
    assert (got["coops_classified"], got["coops_effective"]) == (3, 2)
    assert got["coops_effective_pct"] == pytest.approx(200 / 3)  # 2 / 3
    assert got["coops_effective_active_pct"] == 50.0  # 2 / 4 active
    checks = {c["rule"]: c for c in compute(2025, "109")["checks"]}
    assert checks["grading_rule_ended"]["message"] == (
        "Xếp loại năm 2025 của 3 HTX theo Thông tư 01/2020/TT-BKHĐT, đã hết hiệu lực từ "
        "18/09/2025; chưa ghi nhận quy định thay thế."
    )
    assert checks["grading_rule_ended"]["entities"] == ["A", "B", "C"]
    assert "grading_rule_ended" not in {c["rule"] for c in compute(2024, "109")["checks"]}


def test_a_successor_counting_tot_only_changes_2025_and_not_2024(coops):
    save_grading_rule(values=SUCCESSOR)
    got = figures(2025)
    assert (got["coops_classified"], got["coops_effective"]) == (3, 1)  # A only
    assert got["coops_effective_pct"] == pytest.approx(100 / 3)
    assert got["coops_effective_active_pct"] == 25.0  # 1 / 4
    assert "grading_rule_ended" not in {c["rule"] for c in compute(2025, "109")["checks"]}
    before = figures(2024)  # still TT01: Tốt + Khá
    assert (before["coops_effective"], before["coops_effective_pct"]) == (2, pytest.approx(200 / 3))


@pytest.fixture
def plan(coops):
    plan = Plan.objects.create(
        name="Đề án thử", area_code="109", start_year=2024, end_year=2025, baseline_year=2024
    )
    for code, indicator in (
        ("b_effective", "coops_effective_pct"),
        ("b_active", "coops_effective_active_pct"),
    ):
        Target.objects.create(
            plan=plan,
            code=code,
            description="Tỷ lệ HTX hoạt động hiệu quả đạt trên 50%",
            indicator=indicator,
            comparison="gt",
            value=50,
            schedule="end",
        )
    return plan


def bases(plan: Plan, year: int) -> dict:
    return {r["code"]: r["basis"] for r in evaluate(plan, year)["targets"]}


def test_the_effective_target_names_its_rule_and_denominator(plan):
    got = bases(plan, 2024)
    assert got["b_effective"] == {
        "rules": [{"name": TT01, "effective_grades": "Tốt, Khá"}],
        "denominator": "HTX được xếp loại",
        "denominator_value": 3,
        "text": "Theo Thông tư 01/2020/TT-BKHĐT (Tốt, Khá); mẫu số: 3 HTX được xếp loại",
    }
    assert got["b_active"]["text"] == (
        "Theo Thông tư 01/2020/TT-BKHĐT (Tốt, Khá); mẫu số: 4 HTX đang hoạt động"
    )
    save_grading_rule(values=SUCCESSOR)
    # The grade's name under the new rule.
    assert bases(plan, 2025)["b_effective"]["text"] == (
        f"Theo {NEW} (Xuất sắc); mẫu số: 3 HTX được xếp loại"
    )


def test_the_plan_page_the_api_and_the_final_evaluation_show_it(plan):
    client = client_for(person("planning", "109"))
    text = "Theo Thông tư 01/2020/TT-BKHĐT (Tốt, Khá); mẫu số: 3 HTX được xếp loại"
    assert text in client.get(f"/de-an/{plan.pk}/?year=2024").text
    api = client.get(f"/api/v1/targets?plan={plan.pk}&year=2024").json()
    assert {t["code"]: t["basis"]["text"] for t in api["targets"]}["b_effective"] == text
    final = client.get(f"/de-an/{plan.pk}/tong-ket/").text
    assert (
        "Năm 2025: Theo Thông tư 01/2020/TT-BKHĐT (Tốt, Khá); mẫu số: 3 HTX được xếp loại" in final
    )


def test_the_targets_command_prints_it(plan):
    out = io.StringIO()
    call_command("targets", plan=plan.pk, year=2024, stdout=out)
    assert (
        "Theo Thông tư 01/2020/TT-BKHĐT (Tốt, Khá); mẫu số: 3 HTX được xếp loại" in out.getvalue()
    )
