"""Tổng quan, the home page (issue 9): an area's key figures for a year with their change
from the year before and from the plan's baseline, the plan's targets, the charts, and the
data checks, each linking to the page behind it.

Every figure is the engine's (`compute`, `series`), every target status the plans'
evaluation (`evaluate`): this page computes nothing of its own. Who may read which area is
`Scope.may_read_area` (404 outside), who reads a plan's targets `reads_plan_in_full`.
"""

from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from kttt.access.plans import reads_plan_in_full
from kttt.access.scope import Scope, scope_of, today
from kttt.accounts.models import Role
from kttt.areas.services import AreaError
from kttt.changes.replica import reading_replica
from kttt.indicators.charts import (
    REPORTING_CHART_UNITS,
    members_chart,
    reporting_chart,
    sector_chart,
    years_chart,
)
from kttt.indicators.coverage import data_years, default_year, reporting_by_unit
from kttt.indicators.definitions import BY_CODE
from kttt.indicators.engine import compute, series
from kttt.indicators.forms import SelectorForm
from kttt.indicators.views import area_choices, default_area, findings
from kttt.plans.evaluation import PlanError, evaluate
from kttt.plans.models import Plan
from kttt.plans.queries import plan_for_year
from kttt.plans.views.common import STATUS_CLASS
from kttt.plans.views.plans import expected_text, target_text, unit_of
from kttt.registry.models import Kind, Status

# The key figures, in the order shown. Each links to its indicator page.
KEY_FIGURES = (
    "coops_active",
    "coops_new",
    "members",
    "workers",
    "capital",
    "revenue",
    "income_avg",
    "tax",
    "reporting_rate_pct",
    "coops_effective_pct",
)
# The charts by year cover this many years up to the year shown (and back to the plan's
# baseline year when it is earlier).
CHART_YEARS = 5


def read_selector(request: HttpRequest, scope: Scope) -> SelectorForm:
    """?area=&year=&kind=, the defaults filled in: the user's first area and the year
    `default_year` picks for it. An area outside the user's scope answers 404."""
    data = request.GET.copy()
    fallback = default_area(scope)
    area_code = str(data.get("area", "")).strip() or fallback
    data["area"] = area_code
    kind = str(data.get("kind", "")).strip() or Kind.HTX.value
    if str(data.get("year", "")).strip():
        shown = today().year  # only the choices' fallback: the year asked is read
    else:  # the rule costs a count per year looked at: only when no year is asked
        shown = default_year(area_code, kind)
        data["year"] = str(shown)
    years = sorted({*data_years(), shown, today().year})
    form = SelectorForm(data, years=years, default_year=shown, default_area=fallback)
    if form.is_valid():
        assert form.selected_area is not None
        if not scope.may_read_area(form.selected_area.code, form.selected_area.as_of):
            raise Http404
    form.set_area_choices(area_choices(scope, form.on, form.selected_area))
    return form


def figures_by_year(year: int, area_code: str, kind: str, first: int) -> list[dict[str, Any]]:
    """The engine's results from `first` (or the first later year the code names
    something) to `year`: `series` for the years before, `compute` with the checks for the
    year shown."""
    earlier: list[dict[str, Any]] = []
    for start in range(first, year):
        try:
            earlier = series(start, year - 1, area_code, kind)
            break
        except AreaError:
            continue  # the code named nothing in `start`: begin a year later
    return [*earlier, compute(year, area_code, kind)]


def signed(value: float | None, unit: str) -> dict[str, Any] | None:
    if value is None:
        return None
    return {"value": value, "unit": unit, "up": value > 0, "down": value < 0}


def key_figures(
    by_year: dict[int, dict[str, Any]], year: int, baseline_year: int | None, query: str
) -> list[dict[str, Any]]:
    def change(code: str, than: int | None) -> dict[str, Any] | None:
        if than is None or than == year or than not in by_year:
            return None
        now, before = by_year[year][code], by_year[than][code]
        if now is None or before is None:
            return None
        indicator = BY_CODE[code]
        unit = _("điểm %") if indicator.percent else str(indicator.unit)
        return signed(now - before, unit)

    rows = []
    for code in KEY_FIGURES:
        indicator = BY_CODE[code]
        rows.append(
            {
                "code": code,
                "name": indicator.name,
                "unit": indicator.unit,
                "value": by_year[year][code],
                "url": f"{reverse('indicators:detail', args=[code])}?{query}",
                "previous": change(code, year - 1),
                "baseline": change(code, baseline_year),
            }
        )
    return rows


def targets_context(plan: Plan, year: int) -> dict[str, Any]:
    try:
        result = evaluate(plan, year)
    except (PlanError, AreaError) as exc:
        return {"targets_error": str(exc)}
    targets = {t.code: t for t in plan.targets.all()}
    rows = []
    for row in result["targets"]:
        target = targets[row["code"]]
        rows.append(
            {
                **row,
                "unit": unit_of(target),
                "target_text": target_text(target),
                "expected_text": expected_text(target),
                "status_class": STATUS_CLASS.get(row["status_code"], ""),
            }
        )
    return {"targets": rows, "target_notes": result["notes"]}


def cooperative_of(scope: Scope) -> str | None:
    return next(
        (
            m.cooperative.code
            for m in scope.memberships
            if m.role == Role.COOPERATIVE and m.cooperative
        ),
        None,
    )


@login_required
@reading_replica()
def home(request: HttpRequest) -> HttpResponse:
    scope = scope_of(request)
    if not scope.reads_area_figures():
        # A cooperative's representative reads no area's figures: its own page instead.
        code = cooperative_of(scope)
        if code is not None:
            return redirect("registry:entity_detail", code)
        return redirect("registry:entity_list")
    form = read_selector(request, scope)
    context: dict[str, Any] = {"form": form, "title": _("Tổng quan")}
    if form.errors:
        return render(request, "overview/home.html", context, status=400)
    assert form.selected_area is not None
    area = form.selected_area
    year, kind = int(form.cleaned_data["year"]), form.kind_code
    plan = plan_for_year(area.code, year)
    baseline_year = plan.baseline_year if plan is not None else None
    first = min(year - CHART_YEARS + 1, baseline_year or year)
    results = figures_by_year(year, area.code, kind, first)
    by_year = {r["year"]: r["indicators"] for r in results}
    current = results[-1]
    chart_results = [r for r in results if r["year"] > year - CHART_YEARS]
    _area, units = reporting_by_unit(year, area.code, kind)
    query = form.query
    context.update(
        area=area,
        year=str(year),
        kind_label=Kind(kind).label,
        query=query,
        approximate=current["area"]["approximate"],
        area_notes=current["area"]["notes"],
        figures=key_figures(by_year, year, baseline_year, query),
        previous_year=str(year - 1),
        baseline_year=str(baseline_year) if baseline_year is not None else "",
        plan=plan,
        years_chart=years_chart(chart_results),
        members_chart=members_chart(chart_results),
        sector_chart=sector_chart(current),
        reporting_chart=reporting_chart(units, year, area.name),
        units_total=len(units),
        units_cut=len(units) > REPORTING_CHART_UNITS,
        units_shown=REPORTING_CHART_UNITS,
        checks=findings(scope, current["checks"]),
        list_url=reverse("registry:entity_list")
        + "?"
        + urlencode({"area": area.code, "kind": kind, "status": Status.ACTIVE.value}),
    )
    if plan is not None and reads_plan_in_full(request, plan):
        context["plan_url"] = reverse("plans:plan_detail", args=[plan.pk]) + f"?year={year}"
        context.update(targets_context(plan, year))
    return render(request, "overview/home.html", context)
