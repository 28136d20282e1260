"""The status of a plan's targets for a year (DOMAIN.md §5).

- Every-year targets: Đạt / Chưa đạt on that year's value.
- End-of-period targets: in the final year Đạt / Chưa đạt; before it, Đúng tiến độ /
  Chậm tiến độ against the straight path from the baseline to the target. The baseline is
  the target's stored one when set (a copy to the next period stores it), else the
  indicator's value in the plan's baseline year.
- No value (no data, or a ratio with nothing below it): Chưa đủ số liệu.
- Projection: the least-squares line through the values from the baseline year to the year
  asked, read at the plan's final year (null with fewer than two values).
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.utils.translation import gettext_lazy as _

from kttt.indicators.basis import effective_basis
from kttt.indicators.definitions import BY_CODE
from kttt.indicators.engine import compute, series
from kttt.lib.errors import Refusal
from kttt.plans.models import Comparison, Plan, Schedule, Target


@dataclass(frozen=True)
class TargetStatus:
    code: str
    label: Any


ACHIEVED = TargetStatus("achieved", _("Đạt"))
NOT_ACHIEVED = TargetStatus("not_achieved", _("Chưa đạt"))
NO_DATA = TargetStatus("no_data", _("Chưa đủ số liệu"))
ON_TRACK = TargetStatus("on_track", _("Đúng tiến độ"))
BEHIND = TargetStatus("behind", _("Chậm tiến độ"))


class PlanError(Refusal):
    """A request a plan cannot answer; the message is Vietnamese."""


def meets(value: float, target: Target, bound: float | None = None) -> bool:
    """Does `value` satisfy the target's comparison (against `bound` instead of its value)?"""
    low = float(target.value) if bound is None else bound
    match target.comparison:
        case Comparison.GT:
            return value > low
        case Comparison.GTE:
            return value >= low
        case Comparison.LT:
            return value < low
        case Comparison.LTE:
            return value <= low
        case Comparison.RANGE:
            assert target.value_high is not None
            return low <= value <= float(target.value_high)
    raise AssertionError(target.comparison)  # pragma: no cover


def trend(points: list[tuple[int, float]], at_year: int) -> float | None:
    """Least-squares straight line through (year, value) points, read at `at_year`."""
    if len(points) < 2:
        return None
    n = len(points)
    mean_x = sum(x for x, _ in points) / n
    mean_y = sum(y for _, y in points) / n
    sxx = sum((x - mean_x) ** 2 for x, _ in points)
    slope = sum((x - mean_x) * (y - mean_y) for x, y in points) / sxx
    return mean_y + slope * (at_year - mean_x)


def projection(target: Target, points: list[tuple[int, float]], at_year: int) -> float | None:
    """The trend read at the plan's end; a count (cooperatives, people, products) is a whole
    number, at least 0: a forecast of 7,6 HTX reads 8 HTX."""
    value = trend(points, at_year)
    indicator = BY_CODE.get(target.indicator)
    if value is None or indicator is None or not indicator.is_count:
        return value
    return max(0, int(Decimal(str(value)).quantize(Decimal(1), rounding=ROUND_HALF_UP)))


def stored_baseline(target: Target) -> float | None:
    """The baseline value stored on the target (a copy to the next period fixes it), or
    None: then the indicator's value in the plan's baseline year is used."""
    return None if target.baseline is None else float(target.baseline)


def path_value(baseline: float, target: Target, plan: Plan, year: int) -> float:
    """The straight path from the baseline year's value to the target, at `year`."""
    span = plan.end_year - plan.baseline_year
    share = (year - plan.baseline_year) / span if span else 1.0
    return baseline + (float(target.value) - baseline) * share


def status_for(
    target: Target, plan: Plan, year: int, values: dict[int, float | None]
) -> TargetStatus:
    value = values.get(year)
    if value is None:
        return NO_DATA
    if target.schedule == Schedule.EVERY_YEAR or year >= plan.end_year:
        return ACHIEVED if meets(value, target) else NOT_ACHIEVED
    if meets(value, target):
        return ON_TRACK
    baseline = stored_baseline(target)
    if baseline is None:
        baseline = values.get(plan.baseline_year)
    if baseline is None:
        return NO_DATA
    return ON_TRACK if meets(value, target, path_value(baseline, target, plan, year)) else BEHIND


def describe(target: Target) -> dict[str, Any]:
    def num(d: Decimal | None) -> float | int | None:
        if d is None:
            return None
        return int(d) if d == d.to_integral_value() else float(d)

    return {
        "indicator": target.indicator,
        "kind": target.kind,
        "comparison": target.comparison,
        "value": num(target.value),
        "value_high": num(target.value_high),
        "expected": [num(target.expected_low), num(target.expected_high)]
        if target.expected_low is not None
        else None,
        "check": target.schedule,
    }


def evaluate(plan: Plan, year: int, *, include_unapproved: bool = False) -> dict[str, Any]:
    """Each target's status in `year` from the official figures (approved yearly rows), or
    with the rows not yet approved when asked (the pages' "gồm cả số liệu chưa duyệt")."""
    if not plan.start_year <= year <= plan.end_year:
        raise PlanError(
            _("Năm %(year)s nằm ngoài kỳ của đề án (%(start)s–%(end)s).")
            % {"year": year, "start": plan.start_year, "end": plan.end_year}
        )
    targets = list(plan.targets.all())
    years = range(min(plan.baseline_year, year), year + 1)
    results: dict[tuple[int, str], dict[str, Any]] = {}
    notes: dict[str, None] = {}  # in order, once each
    for kind in {t.kind for t in targets}:
        for y in years:
            result = compute(y, plan.area_code, kind, include_unapproved=include_unapproved)
            results[(y, kind)] = result["indicators"]
            if y > min(years):
                notes.update(dict.fromkeys(result["area"]["notes"]))
    rows = []
    for target in targets:
        values = {y: results[(y, target.kind)].get(target.indicator) for y in years}
        points = [(y, v) for y, v in values.items() if v is not None and y >= plan.baseline_year]
        status = status_for(target, plan, year, values)
        rows.append(
            {
                "code": target.code,
                "description": target.description,
                "value": values.get(year),
                "target": describe(target),
                "status": str(status.label),
                "status_code": status.code,
                "projection": projection(target, points, plan.end_year),
                # An effectiveness figure names its grading rules and denominator.
                "basis": effective_basis(
                    target.indicator,
                    year,
                    plan.area_code,
                    target.kind,
                    results[(year, target.kind)],
                ),
            }
        )
    return {
        "plan": {
            "id": plan.pk,
            "name": plan.name,
            "area": plan.area_code,
            "start_year": plan.start_year,
            "end_year": plan.end_year,
            "baseline_year": plan.baseline_year,
        },
        "year": year,
        "targets": rows,
        # A target's path runs across a change of territory: say so (DOMAIN.md §3).
        "notes": list(notes),
    }


def statuses_by_year(
    plan: Plan, last_year: int, *, include_unapproved: bool = False
) -> dict[str, dict[int, TargetStatus]]:
    """Each target's status in every year of the period up to `last_year` (for the
    year-by-year table): one series per kind, without the data checks, rather than one
    evaluate() per year."""
    last_year = min(last_year, plan.end_year)
    targets = list(plan.targets.all())
    first = min(plan.baseline_year, plan.start_year)
    if last_year < plan.start_year or not targets:
        return {t.code: {} for t in targets}
    by_kind = {
        kind: {
            r["year"]: r["indicators"]
            for r in series(
                first, last_year, plan.area_code, kind, include_unapproved=include_unapproved
            )
        }
        for kind in {t.kind for t in targets}
    }
    table: dict[str, dict[int, TargetStatus]] = {}
    for target in targets:
        values = {y: v.get(target.indicator) for y, v in by_kind[target.kind].items()}
        table[target.code] = {
            year: status_for(target, plan, year, values)
            for year in range(plan.start_year, last_year + 1)
        }
    return table
