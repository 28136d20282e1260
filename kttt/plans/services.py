"""Writes to plans, their targets and a plan's copy to a new period, one transaction each.
The web forms call these; an API or a command must call the same functions."""

import datetime as dt
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from kttt.areas.services import AreaError, resolve_area
from kttt.lib.dates import year_end
from kttt.plans.evaluation import PlanError
from kttt.plans.models import FundSource, Plan, Target, Task
from kttt.plans.units import carried_on_by

PLAN_FIELDS = (
    "name",
    "area_code",
    "start_year",
    "end_year",
    "baseline_year",
    "decision",
    "description",
)
TARGET_FIELDS = (
    "code",
    "description",
    "indicator",
    "kind",
    "comparison",
    "value",
    "value_high",
    "expected_low",
    "expected_high",
    "schedule",
    "order",
)


def plan_area_code(code: str, start_year: int) -> str:
    """The plan's area code in its canonical form, read at the end of the start year (an
    area selector is read at 31/12 of a year). Raises PlanError with a Vietnamese message."""
    try:
        return resolve_area(code, year_end(start_year)).code
    except AreaError as exc:
        raise PlanError(str(exc)) from None


def _checked_plan(plan: Plan) -> Plan:
    plan.area_code = plan_area_code(plan.area_code, plan.start_year)
    plan.full_clean()
    return plan


@transaction.atomic
def create_plan(*, values: dict[str, Any]) -> Plan:
    plan = _checked_plan(Plan(**{f: values[f] for f in PLAN_FIELDS}))
    plan.save()
    return plan


@transaction.atomic
def update_plan(*, plan: Plan, values: dict[str, Any]) -> Plan:
    for f in PLAN_FIELDS:
        setattr(plan, f, values[f])
    _checked_plan(plan).save(update_fields=list(PLAN_FIELDS))
    return plan


def _shifted(year: int, offset: int, plan: Plan) -> int:
    return min(max(year + offset, plan.start_year), plan.end_year)


def _copy_tasks(source: Plan, new: Plan) -> None:
    """The tasks and solutions: text, units, the period moved with the plan and kept inside
    it, the targets they serve found by code in the new plan. A unit that has ended before
    the new period gives its place to the unit that took over its work (the district's
    offices, ended on 30/06/2025, to the province's departments)."""
    offset = new.start_year - source.start_year
    targets = {t.code: t for t in new.targets.all()}
    first_day = dt.date(new.start_year, 1, 1)
    old_tasks = source.tasks.select_related("responsible").prefetch_related(
        "cooperating", "targets"
    )
    for old in old_tasks.order_by("kind", "order"):
        start = _shifted(old.start_year, offset, new)
        lead = old.responsible
        task = Task.objects.create(
            plan=new,
            kind=old.kind,
            code=old.code,
            title=old.title,
            text=old.text,
            responsible=carried_on_by(lead, first_day) if lead is not None else None,
            start_year=start,
            end_year=max(start, _shifted(old.end_year, offset, new)),
            order=old.order,
        )
        task.cooperating.set({carried_on_by(u, first_day) for u in old.cooperating.all()})
        task.targets.set([targets[t.code] for t in old.targets.all() if t.code in targets])


@transaction.atomic
def copy_plan(
    *,
    plan: Plan,
    name: str,
    start_year: int,
    end_year: int,
    baseline_year: int | None = None,
    decision: str = "",
) -> Plan:
    """A new plan for another period made from this one's structure (a 2026–2030 plan from
    the 2021–2025 one), all or nothing: the same area and description, the targets, the
    tasks and solutions with their units and the targets they serve, and the fund sources
    with their totals. Activities, budget lines and disbursements are the old plan's history
    and are not copied; the targets are then reviewed one by one."""
    new = _checked_plan(
        Plan(
            name=name,
            area_code=plan.area_code,
            start_year=start_year,
            end_year=end_year,
            baseline_year=start_year if baseline_year is None else baseline_year,
            decision=decision,
            description=plan.description,
        )
    )
    new.save()
    Target.objects.bulk_create(
        Target(plan=new, **{f: getattr(t, f) for f in TARGET_FIELDS}) for t in plan.targets.all()
    )
    _copy_tasks(plan, new)
    FundSource.objects.bulk_create(
        FundSource(plan=new, name=s.name, total=s.total, order=s.order)
        for s in plan.fund_sources.all()
    )
    return new


@transaction.atomic
def save_target(*, plan: Plan, values: dict[str, Any], target: Target | None = None) -> Target:
    """Create a target (no `target`) or change one of the plan's."""
    if target is not None and target.plan_id != plan.pk:
        raise PlanError(_("Mục tiêu không thuộc đề án này."))
    creating = target is None
    target = Target(plan=plan) if target is None else target
    for f in TARGET_FIELDS:
        setattr(target, f, values.get(f, getattr(target, f)))
    if target.order is None:  # new ones go last
        last = plan.targets.aggregate(last=Max("order"))["last"]
        target.order = 1 if last is None else last + 1
    target.full_clean()
    if creating:
        target.save()
    else:
        target.save(update_fields=list(TARGET_FIELDS))
    return target


@transaction.atomic
def delete_target(*, target: Target) -> None:
    target.delete()
