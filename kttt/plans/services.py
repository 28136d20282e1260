"""Writes to plans and their targets, one transaction each. The web forms call these; an
API or a command must call the same functions."""

from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from kttt.areas.services import AreaError, resolve_area
from kttt.lib.dates import year_end
from kttt.plans.evaluation import PlanError
from kttt.plans.models import Plan, Target

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
    """A new plan for another period with the same area, description and targets (a
    2026–2030 plan made from the 2021–2025 one); its targets are then edited one by one."""
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
