"""Writes to plans, their targets and a plan's copy to a new period, one transaction each.
The web forms call these; an API or a command must call the same functions."""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from kttt.areas.models import Level, Unit
from kttt.areas.services import AreaError, resolve_area, successors, unit_at
from kttt.indicators.engine import compute
from kttt.lib.dates import format_date, year_end
from kttt.plans.evaluation import PlanError
from kttt.plans.models import FundSource, Plan, Target, Task
from kttt.plans.queries import plan_area_date
from kttt.plans.units import carried_on_by

PLAN_FIELDS = (
    "name",
    "area_code",
    "start_year",
    "end_year",
    "baseline_year",
    "description",
)
# The plan's own text (issue 8, point 3): written on its own page, copied with the plan.
TEXT_FIELDS = ("legal_bases", "purpose", "assessment", "general_objective")
DECISION_FIELDS = ("decision_number", "decision_date", "decision_agency")
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
    "baseline",
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
def update_plan_text(*, plan: Plan, values: dict[str, Any]) -> Plan:
    """The plan's decision (number, date, agency), legal bases and sections I, II.3, III.1."""
    fields = (*DECISION_FIELDS, *TEXT_FIELDS)
    for f in fields:
        setattr(plan, f, values[f])
    plan.full_clean()
    plan.save(update_fields=list(fields))
    return plan


# --- a copy to the next period ---------------------------------------------------------------


@dataclass(frozen=True)
class CopyAreas:
    """Where a copy of a plan may be made for a period starting in `start_year`: the plan's
    own area while its unit exists, else (`ended` is that unit) the units that exist on the
    new period's first day and carried its territory on: its successors through the
    recorded successions (the new communes) and the province it belonged to."""

    ended: Unit | None
    units: tuple[Unit, ...]

    @property
    def codes(self) -> list[str]:
        return [u.code for u in self.units]

    def listed(self) -> str:
        return ", ".join(f"{u.name} ({u.code})" for u in self.units)


def copy_areas(plan: Plan, start_year: int) -> CopyAreas:
    first_day = dt.date(start_year, 1, 1)
    try:
        own = resolve_area(plan.area_code, plan_area_date(plan)).unit
    except AreaError:
        own = None
    if own is None or own.is_valid_at(first_day):
        now = unit_at(plan.area_code, first_day) if own is not None else None
        return CopyAreas(None, (now,) if now is not None else ())
    found, _approximate = successors(own, first_day)
    units = list(Unit.objects.filter(pk__in=found).order_by("sort_name"))
    province = own.province if own.level != Level.PROVINCE else None
    if province is not None:
        if province.is_valid_at(first_day):
            units.append(province)
        else:
            later, _approximate = successors(province, first_day)
            units += list(Unit.objects.filter(pk__in=later).order_by("sort_name"))
    return CopyAreas(own, tuple(dict.fromkeys(units)))


def copy_area_code(plan: Plan, code: str, start_year: int) -> str:
    """The area of a copy made for a period starting in `start_year`, in its canonical form.
    A plan's area that has ended before then (Huyện Phong Thổ, 30/06/2025) is refused: the
    new plan is made for one of the units that carried it on. Raises PlanError."""
    areas = copy_areas(plan, start_year)
    canonical = plan_area_code(code, start_year)
    if areas.ended is None:
        if areas.units and canonical != areas.units[0].code:
            raise PlanError(
                _("Đề án sao chép giữ địa bàn %(area)s (%(code)s).")
                % {"area": areas.units[0].name, "code": areas.units[0].code}
            )
        return canonical
    if canonical in areas.codes and unit_at(canonical, dt.date(start_year, 1, 1)) is not None:
        return canonical
    assert areas.ended.valid_to is not None
    asked = resolve_area(canonical, year_end(start_year)).unit
    if asked is None or not asked.is_valid_at(dt.date(start_year, 1, 1)):
        ended = asked if asked is not None and asked.valid_to else areas.ended
        assert ended.valid_to is not None
        message = _(
            "Địa bàn %(area)s (%(code)s) đã kết thúc ngày %(end)s; chọn đơn vị kế tục: %(units)s."
        )
    else:
        ended = areas.ended
        message = _(
            "%(area)s (%(code)s) không phải đơn vị kế tục địa bàn của đề án; chọn đơn vị kế "
            "tục: %(units)s."
        )
    name = asked.name if asked is not None else areas.ended.name
    raise PlanError(
        message
        % {
            "area": name,
            "code": canonical,
            "end": format_date(ended.valid_to),
            "units": areas.listed() or "–",
        }
    )


def _baseline(value: Any) -> Decimal | None:
    if value is None:
        return None
    number = Decimal(str(value)).quantize(Decimal("0.001"))
    return number if abs(number) < Decimal(10) ** 11 else None


def _set_baselines(new: Plan) -> None:
    """Each target's baseline: its indicator for the new plan's area in its baseline year
    (the old plan's final year by default), blank where it cannot be computed."""
    targets = list(new.targets.all())
    values = {
        kind: compute(new.baseline_year, new.area_code, kind)["indicators"]
        for kind in {t.kind for t in targets}
    }
    for target in targets:
        target.baseline = _baseline(values[target.kind].get(target.indicator))
    Target.objects.bulk_update(targets, ["baseline"])


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
    for old in old_tasks.order_by("-kind", "order"):
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
    area_code: str | None = None,
    decision: dict[str, Any] | None = None,
) -> Plan:
    """A new plan for another period made from this one (a 2026–2030 plan from the
    2021–2025 one), all or nothing: its area (the plan's own, or, when that has ended, one
    of the units that carried it on: `copy_area_code`), its description and text (legal
    bases, sections I, II.3, III.1), the targets with their baseline (the indicator for the
    new area in the new baseline year, by default the old plan's final year), the tasks and
    solutions with their units (those in force) and the targets they serve, and the fund
    sources with their totals. Activities, budget lines and disbursements are the old
    plan's history and are not copied; the targets are then reviewed one by one.
    `decision` holds the new plan's decision_number, decision_date and decision_agency."""
    new = _checked_plan(
        Plan(
            name=name,
            area_code=copy_area_code(plan, area_code or plan.area_code, start_year),
            start_year=start_year,
            end_year=end_year,
            baseline_year=plan.end_year if baseline_year is None else baseline_year,
            description=plan.description,
            **{f: getattr(plan, f) for f in TEXT_FIELDS},
            **{
                f: (decision or {}).get(f) or ("" if f != "decision_date" else None)
                for f in DECISION_FIELDS
            },
        )
    )
    new.save()
    Target.objects.bulk_create(
        Target(plan=new, **{f: getattr(t, f) for f in TARGET_FIELDS}) for t in plan.targets.all()
    )
    _set_baselines(new)
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
