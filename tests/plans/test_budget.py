"""The plan's money: every refusal of the issue, and sums that are exact and the same in
every place they are shown. Expected figures are worked out by hand in the comments."""

import datetime as dt
import json
from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command

from kttt.plans import budget
from kttt.plans.budget import BudgetError
from kttt.plans.models import BudgetLine, Disbursement, Plan, Task

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture
def plan():
    plan = Plan.objects.create(
        name="Đề án thử", area_code="109", start_year=2021, end_year=2025, baseline_year=2021
    )
    return plan


@pytest.fixture
def tasks(plan):
    return [
        Task.objects.create(plan=plan, code=f"III.3.{c}", title=c, start_year=2021, end_year=2025)
        for c in "ab"
    ]


@pytest.fixture
def sources(plan):
    return (
        budget.set_source(plan=plan, name="Ngân sách huyện", total=D(500)),
        budget.set_source(plan=plan, name="Ngân sách tỉnh", total=D(1500)),
    )


def test_it_refuses_to_allocate_beyond_a_sources_total(tasks, sources):
    district, _province = sources
    budget.set_line(task=tasks[0], source=district, year=2021, requested=D(300), allocated=D(300))
    budget.set_line(task=tasks[1], source=district, year=2022, requested=D(150), allocated=D(150))
    with pytest.raises(BudgetError, match="tổng 500, đã giao 450, còn có thể giao 50"):
        budget.set_line(
            task=tasks[1], source=district, year=2023, requested=D(60), allocated=D("50.001")
        )
    # Exactly what is left is accepted; changing a line counts it once, not twice.
    budget.set_line(task=tasks[1], source=district, year=2023, requested=D(50), allocated=D(50))
    budget.set_line(task=tasks[0], source=district, year=2021, requested=D(300), allocated=D(300))
    assert BudgetLine.objects.count() == 3


def test_it_refuses_to_disburse_beyond_an_allocation(tasks, sources):
    line = budget.set_line(
        task=tasks[0], source=sources[1], year=2022, requested=D(100), allocated=D("100.5")
    )
    budget.disburse(line=line, date=dt.date(2022, 5, 1), amount=D("60.25"), document="01/CT")
    with pytest.raises(BudgetError, match="giao 100,5, đã chi 60,25, còn 40,25"):
        budget.disburse(line=line, date=dt.date(2022, 6, 1), amount=D("40.251"), document="02/CT")
    budget.disburse(line=line, date=dt.date(2022, 6, 1), amount=D("40.25"), document="02/CT")
    with pytest.raises(BudgetError, match="không thể nhỏ hơn số đã chi"):
        budget.set_line(
            task=tasks[0], source=sources[1], year=2022, requested=D(100), allocated=D(100)
        )
    assert Disbursement.objects.count() == 2


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (
            lambda t, s, line: budget.set_line(
                task=t, source=s, year=2021, requested=D(-1), allocated=D(0)
            ),
            "không được âm",
        ),
        (
            lambda t, s, line: budget.set_line(
                task=t, source=s, year=2026, requested=D(1), allocated=D(1)
            ),
            "ngoài kỳ của đề án",
        ),
        (
            lambda t, s, line: budget.disburse(
                line=line, date=dt.date(2026, 1, 2), amount=D(1), document="x"
            ),
            "ngoài kỳ của đề án",
        ),
        (
            lambda t, s, line: budget.disburse(
                line=line, date=dt.date(2020, 12, 31), amount=D(1), document="x"
            ),
            "ngoài kỳ của đề án",
        ),
        (
            lambda t, s, line: budget.disburse(
                line=line, date=dt.date(2021, 3, 1), amount=D(-5), document="x"
            ),
            "không được âm",
        ),
        (
            lambda t, s, line: budget.disburse(
                line=line, date=dt.date(2021, 3, 1), amount=D(0), document="x"
            ),
            "lớn hơn 0",
        ),
        (
            lambda t, s, line: budget.disburse(
                line=line, date=dt.date(2021, 3, 1), amount=D(1), document=" "
            ),
            "số chứng từ",
        ),
        (
            lambda t, s, line: budget.disburse(
                line=line, date=dt.date(2021, 3, 1), amount=D("0.0001"), document="x"
            ),
            "3 chữ số",
        ),
        (
            lambda t, s, line: budget.set_source(
                plan=t.plan, name="Ngân sách huyện", total=D(10), source=s
            ),
            "nhỏ hơn số đã giao",
        ),
    ],
)
def test_it_refuses_bad_amounts_and_dates_in_vietnamese(tasks, sources, call, message):
    line = budget.set_line(
        task=tasks[0], source=sources[0], year=2021, requested=D(20), allocated=D(20)
    )
    before = (
        list(BudgetLine.objects.values_list("requested", "allocated")),
        Disbursement.objects.count(),
    )
    with pytest.raises(BudgetError, match=message):
        call(tasks[0], sources[0], line)
    assert (
        list(BudgetLine.objects.values_list("requested", "allocated")),
        Disbursement.objects.count(),
    ) == before


def test_it_sums_exactly_by_source_task_and_year(tasks, sources, capsys):
    district, province = sources
    a, b = tasks
    # 0,1 + 0,2 is 0,3 exactly in Decimal (0.30000000000000004 in binary floats).
    l1 = budget.set_line(task=a, source=district, year=2021, requested=D("0.2"), allocated=D("0.1"))
    l2 = budget.set_line(task=b, source=district, year=2021, requested=D("0.3"), allocated=D("0.2"))
    l3 = budget.set_line(task=a, source=province, year=2022, requested=D(900), allocated=D(800))
    budget.disburse(line=l1, date=dt.date(2021, 5, 1), amount=D("0.1"), document="1")
    budget.disburse(line=l2, date=dt.date(2021, 5, 1), amount=D("0.05"), document="2")
    budget.disburse(line=l3, date=dt.date(2022, 5, 1), amount=D("799.999"), document="3")
    s = budget.summary(a.plan)
    assert s.by_source[district].allocated == D("0.3")
    assert s.by_source[district].remaining == D("0.15")
    assert s.by_task[a].disbursed == D("800.099")
    assert s.by_year[2022].remaining == D("0.001")
    assert s.total.total - s.total.allocated == D("1199.7")  # 2.000 − 800,3
    call_command("budget", plan=a.plan.pk, format="json")
    data = json.loads(capsys.readouterr().out)
    assert data["total"] == {
        "total": "2000.000",
        "requested": "900.500",
        "allocated": "800.300",
        "disbursed": "800.149",
        "remaining": "0.151",
        "unallocated": "1199.700",
    }
    assert [r["allocated"] for r in data["by_source"]] == ["0.300", "800.000"]
    call_command("budget", plan=a.plan.pk)
    table = capsys.readouterr().out
    assert "800,149" in table
    assert "1.199,7" not in table  # what is not yet allocated is in the JSON only
    assert "0,151" in table


def test_the_demo_budget_is_the_plans_2000(tmp_path, settings, capsys):
    settings.VAR_DIR = tmp_path
    call_command("load_demo", password="x-demo-x")
    capsys.readouterr()
    call_command("budget", format="json")
    data = json.loads(capsys.readouterr().out)
    # Sources 500 + 1.500; allocations 100 + 300 a year; 90 % paid in 2021–2024, 50 % in 2025.
    assert {
        r["source"]: (r["total"], r["allocated"], r["disbursed"]) for r in data["by_source"]
    } == {
        "Ngân sách huyện": ("500.000", "500.000", "410.000"),
        "Ngân sách tỉnh": ("1500.000", "1500.000", "1230.000"),
    }
    assert data["total"]["remaining"] == "360.000"


def test_a_payment_is_dated_in_its_allocations_year(tasks, sources):
    line = budget.set_line(
        task=tasks[0], source=sources[0], year=2022, requested=D(20), allocated=D(20)
    )
    # 2023 lies in the plan's period, but not in the allocation's year.
    with pytest.raises(BudgetError, match="Ngày chi 05/01/2023 không thuộc năm 2022 của dự toán"):
        budget.disburse(line=line, date=dt.date(2023, 1, 5), amount=D(1), document="x")
    assert not Disbursement.objects.exists()
    budget.disburse(line=line, date=dt.date(2022, 12, 31), amount=D(1), document="x")


def test_a_reversal_cancels_a_payment_and_the_totals_stay_exact(tasks, sources, capsys):
    user = User.objects.create_user("ketoan")
    line = budget.set_line(
        task=tasks[0], source=sources[1], year=2022, requested=D(100), allocated=D("100.5")
    )
    wrong = budget.disburse(
        line=line, date=dt.date(2022, 5, 1), amount=D("60.25"), document="01/CT"
    )
    budget.disburse(line=line, date=dt.date(2022, 6, 1), amount=D("40.25"), document="02/CT")
    reversal = budget.reverse(
        payment=wrong, date=dt.date(2022, 7, 1), reason="Ghi nhầm nhiệm vụ", user=user
    )
    assert (reversal.amount, reversal.reverses, reversal.document) == (
        D("-60.25"),
        wrong,
        "01/CT",
    )
    assert (reversal.reason, reversal.created_by) == ("Ghi nhầm nhiệm vụ", user)
    assert reversal.created_at is not None
    # The payment stays in the books; 60,25 + 40,25 − 60,25 = 40,25 paid, 60,25 left.
    assert Disbursement.objects.count() == 3
    s = budget.summary(tasks[0].plan)
    assert (s.total.disbursed, s.total.remaining) == (D("40.25"), D("60.25"))
    # What the reversal freed may be paid again, to the last thousand đồng.
    budget.disburse(line=line, date=dt.date(2022, 8, 1), amount=D("60.25"), document="03/CT")
    call_command("budget", plan=tasks[0].plan.pk, format="json")
    data = json.loads(capsys.readouterr().out)
    assert (data["total"]["disbursed"], data["total"]["remaining"]) == ("100.500", "0.000")


@pytest.mark.parametrize(
    ("which", "day", "reason", "message"),
    [
        ("reversed", dt.date(2022, 7, 1), "lý do", "Khoản chi này đã được hủy."),
        ("reversal", dt.date(2022, 7, 1), "lý do", "không thể hủy một bút toán hủy"),
        ("other", dt.date(2022, 7, 1), "  ", "Chưa nhập lý do hủy"),
        ("other", dt.date(2022, 4, 30), "lý do", "Ngày hủy 30/04/2022 trước ngày chi 01/05/2022"),
        ("other", dt.date(2023, 1, 2), "lý do", "không thuộc năm 2022 của dự toán"),
    ],
)
def test_a_reversal_is_refused_in_vietnamese_and_writes_nothing(
    tasks, sources, which, day, reason, message
):
    line = budget.set_line(
        task=tasks[0], source=sources[1], year=2022, requested=D(100), allocated=D(100)
    )
    first = budget.disburse(line=line, date=dt.date(2022, 3, 1), amount=D(10), document="1")
    other = budget.disburse(line=line, date=dt.date(2022, 5, 1), amount=D(20), document="2")
    reversal = budget.reverse(payment=first, date=dt.date(2022, 3, 2), reason="trùng")
    payment = {"reversed": first, "reversal": reversal, "other": other}[which]
    before = list(Disbursement.objects.values_list("pk", "amount"))
    with pytest.raises(BudgetError, match=message):
        budget.reverse(payment=payment, date=day, reason=reason)
    assert list(Disbursement.objects.values_list("pk", "amount")) == before
