"""Optimistic locking of the plans' edit forms (issue 11): a plan, its text, a target, an
activity, an enterprise link. Two sessions open the form, the first saves, the second's save
is refused (409) with its input kept and the stored value under each field that differs; the
second saves again with the version the refusal carries and overwrites.

The plans keep no audit trail: the refusal names no one; an activity says when it was
saved (its `updated_at`). World and personas: tests/plans/test_execution_access.py.
"""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from kttt.accounts.models import Role
from kttt.plans import activities, services
from kttt.plans.models import Activity, EnterpriseLink, Plan, Target
from tests.plans.test_execution_access import build_world, member
from tests.web import PLAIN_STORAGES, admin, client_for, form_values

pytestmark = pytest.mark.django_db


@pytest.fixture
def w(phong_tho, settings):
    """The execution world, with its planning office and an administrator as clients."""
    settings.STORAGES = PLAIN_STORAGES
    world = build_world(phong_tho)
    world.planner = client_for(member(Role.PLANNING, "109"))
    world.administrator = client_for(admin())
    return world


def race(first, second, address, first_change, second_change):
    """Both open the form; the first saves its change, the second's is refused. Returns the
    refused page's text and the values the second's browser now holds."""
    by_first = form_values(first.get(address).text)
    by_second = form_values(second.get(address).text)
    assert by_first["version"] == by_second["version"]
    assert first.post(address, {**by_first, **first_change}).status_code == 302
    refused = second.post(address, {**by_second, **second_change})
    assert refused.status_code == 409
    assert "Dữ liệu bạn nhập chưa được lưu." in refused.text
    again = form_values(refused.text)
    for name, value in second_change.items():
        assert again[name] == value  # the second's input kept
    assert again["version"] != by_second["version"]
    return refused.text, again


def test_a_plan(w):
    planner, administrator = w.planner, w.administrator
    address = reverse("plans:plan_edit", args=[w.plan.pk])
    text, again = race(
        planner, administrator, address, {"name": "Đề án A"}, {"baseline_year": str(w.year)}
    )
    plan = Plan.objects.get(pk=w.plan.pk)
    assert (plan.name, plan.baseline_year) == ("Đề án A", w.year - 1)
    assert "Đang lưu: Đề án A" in text
    assert administrator.post(address, again).status_code == 302
    plan.refresh_from_db()
    assert (plan.name, plan.baseline_year) == ("Đề án KTTT huyện Phong Thổ (thử)", w.year)


def test_a_plans_text(w):
    planner, administrator = w.planner, w.administrator
    address = reverse("plans:plan_text_edit", args=[w.plan.pk])
    _text, again = race(
        planner,
        administrator,
        address,
        {"decision_number": "15/QĐ-UBND"},
        {"decision_agency": "UBND huyện Phong Thổ"},
    )
    plan = Plan.objects.get(pk=w.plan.pk)
    assert (plan.decision_number, plan.decision_agency) == ("15/QĐ-UBND", "")
    assert administrator.post(address, again).status_code == 302
    plan.refresh_from_db()
    assert (plan.decision_number, plan.decision_agency) == ("", "UBND huyện Phong Thổ")


def test_a_target(w):
    planner, administrator = w.planner, w.administrator
    target = services.save_target(
        plan=w.plan,
        values={
            "code": "b_effective",
            "description": "Tỷ lệ HTX hoạt động hiệu quả đạt trên 50%",
            "indicator": "coops_effective_pct",
            "comparison": "gt",
            "value": Decimal(50),
            "schedule": "end",
            "order": 2,
        },
    )
    address = reverse("plans:target_edit", args=[w.plan.pk, target.pk])
    text, again = race(planner, administrator, address, {"value": "55"}, {"value": "60"})
    assert Target.objects.get(pk=target.pk).value == Decimal(55)
    assert "Đang lưu: 55" in text
    assert administrator.post(address, again).status_code == 302
    assert Target.objects.get(pk=target.pk).value == Decimal(60)


def test_an_activity_says_when_it_was_saved(w):
    planner = w.planner
    officer = client_for(member(Role.COMMUNE, "3549", w.xa))
    address = reverse("execution:activity_edit", args=[w.act_xa.pk])
    text, again = race(officer, planner, address, {"participants": "40"}, {"place": "Nhà văn hóa"})
    act = Activity.objects.get(pk=w.act_xa.pk)
    assert (act.participants, act.place) == (40, "")
    saved_at = timezone.localtime(act.updated_at).strftime("%d/%m/%Y %H:%M")
    assert f"Bản ghi này đã được sửa lúc {saved_at} sau khi bạn đọc." in text
    assert planner.post(address, again).status_code == 302
    act.refresh_from_db()
    assert act.place == "Nhà văn hóa"
    assert act.participants == w.act_xa.participants  # the planner's form, as it asked


def test_an_enterprise_link(w):
    planner = w.planner
    officer = client_for(member(Role.COMMUNE, "3549", w.xa))
    link = activities.save_link(
        entity=w.coop_xa,
        values={"enterprise": "Công ty A", "product": "Chè", "contract_date": dt.date(2021, 1, 5)},
    )
    address = reverse("execution:link_edit", args=[w.coop_xa.code, link.pk])
    text, again = race(officer, planner, address, {"product": "Chè Shan"}, {"product": "Chè xanh"})
    assert EnterpriseLink.objects.get(pk=link.pk).product == "Chè Shan"
    assert "Đang lưu: Chè Shan" in text
    assert planner.post(address, again).status_code == 302
    assert EnterpriseLink.objects.get(pk=link.pk).product == "Chè xanh"


def test_the_budget_allocation_and_source(w):
    """The budget page's allocation and source forms set absolute values read off the
    page's tables: a save over a budget changed since the page was shown is refused."""
    from kttt.plans import budget
    from kttt.plans.models import BudgetLine, FundSource

    budget.set_line(
        task=w.task, source=w.district, year=w.year, requested=Decimal(110), allocated=Decimal(100)
    )
    page = reverse("execution:budget") + f"?plan={w.plan.pk}"
    by_planner = form_values(w.planner.get(page).text, having="line-seen")
    by_admin = form_values(w.administrator.get(page).text, having="line-seen")
    assert by_planner["line-seen"] == by_admin["line-seen"] != ""
    planner_source = form_values(w.planner.get(page).text, having="source-seen")
    address = reverse("execution:budget_line", args=[w.plan.pk])
    line = {
        "line-task": w.task.pk,
        "line-source": w.district.pk,
        "line-year": str(w.year),
        "line-requested": "110",
    }
    saved = w.planner.post(
        address, {**line, "line-seen": by_planner["line-seen"], "line-allocated": "80"}
    )
    assert saved.status_code == 302

    refused = w.administrator.post(
        address, {**line, "line-seen": by_admin["line-seen"], "line-allocated": "90"}
    )
    assert refused.status_code == 409
    assert "vừa được người khác thay đổi" in refused.text
    again = form_values(refused.text, having="line-seen")
    assert again["line-allocated"] == "90"  # the input kept
    assert BudgetLine.objects.get().allocated == 80  # the first's change kept
    resent = {k: v for k, v in again.items() if k.startswith("line-")}
    assert w.administrator.post(address, resent).status_code == 302
    assert BudgetLine.objects.get().allocated == 90

    # The source form, over the budget just changed: refused, then written.
    source = {"source-source": w.district.pk, "source-name": "Ngân sách huyện"}
    refused = w.planner.post(
        reverse("execution:budget_source", args=[w.plan.pk]),
        {**source, "source-seen": planner_source["source-seen"], "source-total": "700"},
    )
    assert refused.status_code == 409
    assert FundSource.objects.get(pk=w.district.pk).total != 700
    resent = form_values(refused.text, having="source-seen")
    assert resent["source-total"] == "700"
    ok = w.planner.post(reverse("execution:budget_source", args=[w.plan.pk]), resent)
    assert ok.status_code == 302
    assert FundSource.objects.get(pk=w.district.pk).total == 700
