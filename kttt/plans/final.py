"""The final evaluation of a plan (tổng kết giai đoạn; issue 8, point 1): each target's
verdict for the whole period by a rule stated with it, "đạt x/n chỉ tiêu", the baseline
beside the end, the tasks with what was done, the money, and the period's own problems.

Built from the indicator engine (`series`, `compute`), the yearly evaluation and the budget
summary only: no second computation of any figure.

The rule of a target over the period depends on what its indicator measures:
- **cumulative**: an indicator that counts events of a year (new or dissolved
  cooperatives) and is checked every year: the period's total against the yearly value
  times the number of years ("1–2 HTX mới mỗi năm": 5 or more over 2021–2025);
- **average growth**: a growth rate checked every year (income growth): the average yearly
  growth from the baseline year to the final year, ((end / baseline) ^ (1 / years) − 1) ×
  100, from the indicator the rate is computed on;
- **final value**: every other target (rates, stocks such as OCOP cooperatives): the final
  year's value against the target.
A verdict is Đạt, Không đạt, or Chưa đủ số liệu when a figure the rule needs is missing.
"""

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from kttt.indicators.basis import effective_basis
from kttt.indicators.definitions import BY_CODE
from kttt.indicators.engine import compute, series
from kttt.lib.numbers import format_number
from kttt.plans import budget
from kttt.plans.evaluation import describe, meets, stored_baseline
from kttt.plans.models import Activity, ActivityStatus, Comparison, Plan, Schedule, Target

# Indicators that count the events of one year: their period value is the sum of the years.
EVENT_COUNTS = {"coops_new", "coops_dissolved"}
# Growth rates, and the indicator each one is the yearly growth of.
GROWTH_OF = {"income_growth_pct": "income_avg"}


@dataclass(frozen=True)
class Verdict:
    code: str
    label: Any


ACHIEVED = Verdict("achieved", _lazy("Đạt"))
NOT_ACHIEVED = Verdict("not_achieved", _lazy("Không đạt"))
NO_DATA = Verdict("no_data", _lazy("Chưa đủ số liệu"))


def rule_of(target: Target) -> str:
    if target.schedule == Schedule.EVERY_YEAR and target.indicator in EVENT_COUNTS:
        return "cumulative"
    if target.schedule == Schedule.EVERY_YEAR and target.indicator in GROWTH_OF:
        return "average_growth"
    return "final_value"


def _n(value: Any) -> str:
    return "–" if value is None else format_number(value)


def _comparison(target: Target) -> str:
    if target.comparison == Comparison.RANGE:
        return f"{_n(target.value)}–{_n(target.value_high)}"
    return f"{Comparison(target.comparison).label} {_n(target.value)}"


def _verdict(ok: bool | None) -> Verdict:
    return NO_DATA if ok is None else (ACHIEVED if ok else NOT_ACHIEVED)


def judge(target: Target, plan: Plan, years: dict[int, dict[str, Any]]) -> tuple[Verdict, Any, str]:
    """A target's verdict over the period, the value it was judged on, and the rule said
    in Vietnamese with its figures."""
    unit = str(BY_CODE[target.indicator].unit) if target.indicator in BY_CODE else ""
    period = range(plan.start_year, plan.end_year + 1)
    rule = rule_of(target)
    if rule == "cumulative":
        values = [years.get(y, {}).get(target.indicator) for y in period]
        total = None if None in values else sum(v for v in values if v is not None)
        needed = float(target.value) * len(period)
        ok = None if total is None else total >= needed
        text = _(
            "Tổng %(start)s–%(end)s: %(total)s %(unit)s, so với %(value)s %(unit)s mỗi năm × "
            "%(n)s năm = %(needed)s %(unit)s."
        ) % {
            "start": plan.start_year,
            "end": plan.end_year,
            "total": _n(total),
            "unit": unit,
            "value": _n(target.value),
            "n": len(period),
            "needed": _n(needed),
        }
        return _verdict(ok), total, text
    if rule == "average_growth":
        base_year, span = plan.baseline_year, plan.end_year - plan.baseline_year
        base = years.get(base_year, {}).get(GROWTH_OF[target.indicator])
        end = years.get(plan.end_year, {}).get(GROWTH_OF[target.indicator])
        average = None
        if base and end is not None and span > 0:
            average = ((float(end) / float(base)) ** (1 / span) - 1) * 100
        ok = None if average is None else meets(average, target)
        text = _(
            "Tăng bình quân mỗi năm %(start)s–%(end)s: %(average)s%% (từ %(base)s lên "
            "%(last)s), so với %(comparison)s%%."
        ) % {
            "start": base_year,
            "end": plan.end_year,
            "average": _n(average),
            "base": _n(base),
            "last": _n(end),
            "comparison": _comparison(target),
        }
        return _verdict(ok), average, text
    value = years.get(plan.end_year, {}).get(target.indicator)
    ok = None if value is None else meets(float(value), target)
    text = _("Giá trị năm %(end)s: %(value)s %(unit)s, so với %(comparison)s %(unit)s.") % {
        "end": plan.end_year,
        "value": _n(value),
        "unit": unit,
        "comparison": _comparison(target),
    }
    return _verdict(ok), value, text


def _tasks(plan: Plan) -> list[dict[str, Any]]:
    """Each task with its activities: how many were done, their results, the cooperatives
    they supported (counted once per task)."""
    activities = (
        Activity.objects.filter(task__plan=plan)
        .select_related("task")
        .prefetch_related("cooperatives")
        .order_by("start_date", "pk")
    )
    by_task: dict[int, list[Activity]] = {}
    for activity in activities:
        by_task.setdefault(activity.task_id, []).append(activity)
    rows = []
    for task in plan.tasks.order_by("-kind", "order", "code"):
        done = [a for a in by_task.get(task.pk, []) if a.status == ActivityStatus.DONE]
        supported = {c.pk for a in done for c in a.cooperatives.all()}
        rows.append(
            {
                "code": task.code,
                "title": task.title,
                "activities": len(by_task.get(task.pk, [])),
                "done": len(done),
                "cooperatives_supported": len(supported),
                "results": [
                    {"title": a.title, "date": a.end_date.isoformat(), "result": a.result}
                    for a in done
                ],
            }
        )
    return rows


def _problems(plan: Plan, years: dict[int, dict[str, Any]]) -> dict[str, Any]:
    """The period's own problems: years with reports missing, the data checks that fired
    each year, and the years compared across a change of territory."""
    missing = []
    flagged = []
    notes = []
    for year in range(plan.start_year, plan.end_year + 1):
        result = years[year]
        gap = result["coops_active"] - result["reports_received"]
        if gap > 0:
            missing.append({"year": year, "missing": gap})
        for check in result["_checks"]:
            if check["severity"] in ("error", "warning") and check["rule"] != "missing_report":
                flagged.append({"year": year, "rule": check["rule"], "message": check["message"]})
        notes += [{"year": year, "note": note} for note in result["_notes"]]
    return {"missing_reports": missing, "checks": flagged, "territory": notes}


def final_evaluation(plan: Plan) -> dict[str, Any]:
    """The plan's evaluation over its whole period (JSON-able; money as decimal strings)."""
    targets = list(plan.targets.all())
    first = min(plan.baseline_year, plan.start_year)
    years_by_kind: dict[str, dict[int, dict[str, Any]]] = {}
    for kind in {t.kind for t in targets} | {"htx"}:
        years: dict[int, dict[str, Any]] = {}
        for result in series(first, plan.end_year, plan.area_code, kind):
            years[result["year"]] = {**result["indicators"], "_notes": result["area"]["notes"]}
        years_by_kind[kind] = years
    home = years_by_kind["htx"]
    for year in range(plan.start_year, plan.end_year + 1):  # the checks, once a year
        home[year]["_checks"] = compute(year, plan.area_code)["checks"]
    rows = []
    for target in targets:
        years = years_by_kind[target.kind]
        verdict, value, text = judge(target, plan, years)
        rows.append(
            {
                "code": target.code,
                "description": target.description,
                "target": describe(target),
                "rule": rule_of(target),
                "rule_text": text,
                "value": value,
                "baseline": (
                    stored_baseline(target)
                    if target.baseline is not None
                    else years.get(plan.baseline_year, {}).get(target.indicator)
                ),
                "final": years.get(plan.end_year, {}).get(target.indicator),
                "by_year": {
                    y: years.get(y, {}).get(target.indicator)
                    for y in range(plan.start_year, plan.end_year + 1)
                },
                "verdict": str(verdict.label),
                "verdict_code": verdict.code,
                # The final year's grading rules and denominator of an effectiveness figure.
                "basis": effective_basis(
                    target.indicator,
                    plan.end_year,
                    plan.area_code,
                    target.kind,
                    years.get(plan.end_year, {}),
                ),
            }
        )
    achieved = sum(1 for r in rows if r["verdict_code"] == ACHIEVED.code)
    money = budget.summary(plan).as_json()
    return {
        "plan": {
            "id": plan.pk,
            "name": plan.name,
            "area": plan.area_code,
            "start_year": plan.start_year,
            "end_year": plan.end_year,
            "baseline_year": plan.baseline_year,
        },
        "targets": rows,
        "achieved": achieved,
        "summary": _("Đạt %(n)s/%(total)s chỉ tiêu.") % {"n": achieved, "total": len(rows)},
        "tasks": _tasks(plan),
        "money": {k: money[k] for k in ("unit", "total", "by_source", "by_year")},
        "problems": _problems(plan, home),
    }
