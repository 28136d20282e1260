"""Indicator pages (DOMAIN.md §4): the figures of a year, an area and a kind; the rows
behind one figure; the data checks; the status narrative.

Every page reads the same selector (?year=&area=&kind=). An area outside the user's scope
answers 404, as if it did not exist; a selector that cannot be read answers 400 with a
Vietnamese message. Results are swapped in place by HTMX and the page works without it.
"""

import datetime as dt
from collections.abc import Callable, Iterable
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from kttt.access.registry import entities_visible_to

# (the area menu is the access package's: the registry's reporting status page shows it too)
from kttt.access.scope import Scope, area_choices, default_area, scope_of, today
from kttt.changes.replica import reading_replica
from kttt.indicators.coverage import default_year as coverage_default_year
from kttt.indicators.definitions import BY_CODE, INDICATORS, Indicator
from kttt.indicators.engine import compute
from kttt.indicators.explain import explain
from kttt.indicators.forms import SelectorForm
from kttt.indicators.narrative import paragraphs
from kttt.registry.models import Kind, Sector, YearlyReport
from kttt.web import is_partial

SEVERITY: dict[str, tuple[Any, str]] = {
    "error": (_lazy("Lỗi"), "bad"),
    "warning": (_lazy("Cảnh báo"), "warn"),
    "info": (_lazy("Lưu ý"), "info"),
}
TABS = (
    ("indicators:index", _lazy("Chỉ tiêu")),
    ("indicators:checks", _lazy("Kiểm tra số liệu")),
    ("indicators:narrative", _lazy("Hiện trạng")),
)

# --- the selector ---------------------------------------------------------------------


def data_years() -> list[int]:
    return list(YearlyReport.objects.order_by().values_list("year", flat=True).distinct())


def area_refused(scope: Scope, form: SelectorForm) -> bool:
    """Is the area the only thing wrong: it names nothing that year, or lies outside the
    user's scope then?"""
    if not form.is_valid():
        return set(form.errors) == {"area"}
    assert form.selected_area is not None
    return not scope.may_read_area(form.selected_area.code, form.selected_area.as_of)


def read_selector(request: HttpRequest, *, lenient: bool = False) -> tuple[SelectorForm, str]:
    """The selector read from the query, the defaults filled in, and a notice (or "").

    An area outside the user's scope answers 404; the caller shows the form's errors (400)
    when it is not valid. `lenient` (an HTMX change of the selects) falls back to the user's
    default area instead, with a notice: area codes are read per year, so the area chosen
    for one year may name another unit, or nothing, in the year chosen next."""
    scope = scope_of(request)
    if not scope.reads_area_figures():
        raise Http404
    years, current = data_years(), today().year
    fallback = default_area(scope)
    data = request.GET.copy()
    # Without ?year=, the latest year with reports from at least half of the active
    # cooperatives (as on the home page), not the first year a single report came in for.
    default_year = max((y for y in years if y <= current), default=current)
    if not data.get("year", "").strip():
        asked = data.get("area", "").strip() or fallback
        # (a code that names nothing in a year is passed over; the form reports a bad one)
        default_year = coverage_default_year(asked, data.get("kind") or Kind.HTX.value)
    for key, default in (("year", str(default_year)), ("area", fallback), ("kind", Kind.HTX.value)):
        if not data.get(key, "").strip():
            data[key] = default

    def read() -> SelectorForm:
        return SelectorForm(
            data, years=[*years, current], default_year=default_year, default_area=fallback
        )

    form, notice = read(), ""
    if lenient and data["area"] != fallback and area_refused(scope, form):
        notice = _(
            "Địa bàn mã %(code)s không thuộc phạm vi của bạn trong năm đã chọn; đang hiển thị "
            "địa bàn mặc định."
        ) % {"code": data["area"][:10]}
        data["area"] = fallback
        form = read()
    if form.is_valid():
        assert form.selected_area is not None
        if not scope.may_read_area(form.selected_area.code, form.selected_area.as_of):
            raise Http404
        data["area"] = form.selected_area.code  # the select shows "3549" as its option "03549"
    form.set_area_choices(area_choices(scope, form.on, form.selected_area))
    return form, notice


def selector_page(
    request: HttpRequest,
    *,
    title: str,
    results: str,
    build: Callable[[Scope, SelectorForm], dict[str, Any]],
) -> HttpResponse:
    partial = is_partial(request)
    form, notice = read_selector(request, lenient=partial)
    context: dict[str, Any] = {
        "form": form,
        "notice": notice,
        "title": title,
        "results_template": results,
        "tabs": TABS,
        "here": request.resolver_match.view_name if request.resolver_match else "",
    }
    status = 400
    if not form.errors:
        status = 200
        context.update(
            query=form.query,
            area=form.selected_area,
            year=str(form.cleaned_data["year"]),
            kind_label=Kind(form.kind_code).label,
            **build(scope_of(request), form),
        )
    template = "indicators/_partial.html" if partial else "indicators/page.html"
    response = render(request, template, context, status=status)
    if notice and status == 200:
        response["HX-Push-Url"] = f"{request.path}?{form.query}"  # the selection shown
    patch_vary_headers(response, ["HX-Request"])
    return response


def selection(form: SelectorForm) -> tuple[int, str, str]:
    assert form.selected_area is not None
    return int(form.cleaned_data["year"]), form.selected_area.code, form.kind_code


# --- cooperatives named on a page -------------------------------------------------------


def visible_names(scope: Scope, codes: Iterable[str]) -> dict[str, str]:
    """Code -> name of the cooperatives among `codes` that the user may open (one query)."""
    wanted = set(codes)
    if not wanted:
        return {}
    rows = entities_visible_to(scope).filter(code__in=wanted).values_list("code", "name")
    return dict(rows)


def findings(scope: Scope, checks: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The data checks with a badge each and the cooperatives the user may open (a link
    each); those outside its territory are only counted, never named."""
    names = visible_names(scope, (code for check in checks for code in check["entities"]))
    out = []
    for check in checks:
        label, css = SEVERITY.get(check["severity"], (check["severity"], ""))
        listed = [(code, names[code]) for code in check["entities"] if code in names]
        out.append(
            {
                **check,
                "severity_label": label,
                "severity_class": css,
                "listed": listed,
                "hidden": len(check["entities"]) - len(listed),
            }
        )
    return out


# --- pages ------------------------------------------------------------------------------


def indicators_context(scope: Scope, form: SelectorForm) -> dict[str, Any]:
    result = compute(*selection(form), include_unapproved=form.include_unapproved)
    values = result["indicators"]
    sectors = [
        {"name": Sector(code).label, **figures}
        for code, figures in result["by_sector"].items()
        if figures["coops_active"] or figures["members"] is not None
    ]
    return {
        "rows": [{"indicator": i, "value": values[i.code]} for i in INDICATORS],
        "totals": values,
        "sectors": sectors,
        "checks": findings(scope, result["checks"]),
        "approximate": result["area"]["approximate"],
        "area_notes": result["area"]["notes"],
    }


@login_required
@reading_replica()
def index(request: HttpRequest) -> HttpResponse:
    return selector_page(
        request,
        title=_("Chỉ tiêu kinh tế tập thể"),
        results="indicators/_indicators.html",
        build=indicators_context,
    )


def is_sum(indicator: Indicator) -> bool:
    """Figures that are the sum of the rows' values (not a ratio or an average)."""
    return bool(indicator.field) and not indicator.percent and not indicator.code.endswith("_avg")


def detail_context(indicator: Indicator) -> Callable[[Scope, SelectorForm], dict[str, Any]]:
    def build(scope: Scope, form: SelectorForm) -> dict[str, Any]:
        year, area_code, kind = selection(form)
        data = explain(
            year, area_code, kind, indicator.code, include_unapproved=form.include_unapproved
        )
        names = visible_names(scope, (row["code"] for row in data["rows"]))
        rows = []
        for row in data["rows"]:
            if row["code"] not in names:
                continue
            for key in ("established_on", "recognized_on"):
                if key in row:
                    row[key] = dt.date.fromisoformat(row[key])
            rows.append(row)
        total = None
        if is_sum(indicator):
            total = sum(row["value"] for row in rows if row.get("value") is not None)
        return {
            "indicator": indicator,
            "figure": data["value"],
            "detail_rows": rows,
            "hidden": len(data["rows"]) - len(rows),
            "total": total,
            "has_value": bool(indicator.field),
            "basis": indicator.basis,
            "approximate": data["area"]["approximate"],
            "area_notes": data["area"]["notes"],
        }

    return build


@login_required
@reading_replica()
def indicator_detail(request: HttpRequest, code: str) -> HttpResponse:
    indicator = BY_CODE.get(code)
    if indicator is None:
        raise Http404
    return selector_page(
        request,
        title=str(indicator.name),
        results="indicators/_detail.html",
        build=detail_context(indicator),
    )


def checks_context(scope: Scope, form: SelectorForm) -> dict[str, Any]:
    result = compute(*selection(form), include_unapproved=form.include_unapproved)
    return {
        "checks": findings(scope, result["checks"]),
        "approximate": result["area"]["approximate"],
        "area_notes": result["area"]["notes"],
    }


@login_required
@reading_replica()
def checks(request: HttpRequest) -> HttpResponse:
    return selector_page(
        request,
        title=_("Kiểm tra chất lượng số liệu"),
        results="indicators/_checks.html",
        build=checks_context,
    )


def narrative_context(scope: Scope, form: SelectorForm) -> dict[str, Any]:
    # The checks come first: a person sees what is wrong in the data before using the text.
    result = compute(*selection(form), include_unapproved=form.include_unapproved)
    return {
        "paragraphs": paragraphs(result),
        "approximate": result["area"]["approximate"],
        "area_notes": result["area"]["notes"],
        "checks": findings(scope, result["checks"]),
    }


@login_required
@reading_replica()
def narrative(request: HttpRequest) -> HttpResponse:
    return selector_page(
        request,
        title=_("Hiện trạng kinh tế tập thể"),
        results="indicators/_narrative.html",
        build=narrative_context,
    )
