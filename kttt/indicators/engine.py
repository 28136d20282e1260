"""The indicator engine (DOMAIN.md §4): every indicator for a year, an area selector and a
kind, in a fixed handful of aggregate queries whatever the number of cooperatives."""

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db.models import (
    Count,
    DecimalField,
    ExpressionWrapper,
    F,
    Q,
    QuerySet,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from kttt.areas.services import (
    Area,
    AreaError,
    describe_territory,
    resolve_area,
    territory_changed,
)
from kttt.indicators import checks, refresh
from kttt.indicators.cache import MISS, Kept, cached
from kttt.indicators.definitions import (
    INDICATORS,
    INTERMEDIATE_MANAGER,
    TRAINED_MANAGER,
    WITH_INCOME,
    effective,
)
from kttt.indicators.income import previous_income_of_row
from kttt.lib.dates import add_months, year_end
from kttt.registry.history import in_force
from kttt.registry.models import (
    ENDING_STATUSES,
    MANAGER_LEVEL_FIELDS,
    Entity,
    Kind,
    OcopProduct,
    ReviewStatus,
    Sector,
    Status,
    StatusChange,
    YearlyReport,
)
from kttt.registry.queries import active_at, in_area
from kttt.registry.reporting import on_time_q

Number = int | float | None


def _levels(fields: tuple[str, ...]) -> Any:
    return sum((Coalesce(F(f), 0) for f in fields), Value(0))


def _income_x_workers() -> ExpressionWrapper:
    return ExpressionWrapper(
        F("income_avg") * F("workers"), output_field=DecimalField(max_digits=24, decimal_places=3)
    )


_WITH_INCOME = WITH_INCOME


def _row_aggregates() -> dict[str, Any]:
    return {
        "rows": Count("pk"),
        "s_members": Sum("members"),
        "s_workers": Sum("workers"),
        "s_workers_trained": Sum("workers_trained"),
        "s_managers": Sum("managers"),
        "s_managers_trained": Sum(_levels(MANAGER_LEVEL_FIELDS)),
        "s_capital": Sum("charter_capital"),
        "s_revenue": Sum("revenue"),
        "s_profit": Sum("profit"),
        "s_tax": Sum("tax"),
        "s_income_x_workers": Sum(_income_x_workers(), filter=_WITH_INCOME),
        "s_income_workers": Sum("workers", filter=_WITH_INCOME),
        "n_classified": Count("pk", filter=~Q(grade="")),
        "n_effective": Count("pk", filter=effective()),
        "n_hightech": Count("pk", filter=Q(hightech=True)),
        "n_value_chain": Count("pk", filter=Q(value_chain=True)),
        "n_mgr_primary": Count("pk", filter=TRAINED_MANAGER),
        "n_mgr_intermediate": Count("pk", filter=INTERMEDIATE_MANAGER),
    }


def reports_of(
    population: QuerySet[Entity], year: int, *, include_unapproved: bool = False
) -> QuerySet[YearlyReport]:
    """R: the approved yearly rows for `year` of the entities in P; with
    `include_unapproved`, also the drafts, the submitted and the returned ones (a page's
    switch "Gồm cả số liệu chưa duyệt")."""
    rows = YearlyReport.objects.filter(year=year, entity__in=population.values("pk"))
    return rows if include_unapproved else rows.filter(status=ReviewStatus.APPROVED)


def population(area: Area, kind: str) -> QuerySet[Entity]:
    """P: entities of the kind, established by D, located in the area, active at D."""
    return active_at(in_area(Entity.objects.filter(kind=kind), area), area.as_of)


def _num(value: Any) -> Number:
    if value is None:
        return None
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value  # type: ignore[no-any-return]


def ratio(numerator: Any, denominator: Any, scale: int = 1) -> float | None:
    """A ratio whose denominator is 0 or missing is null, never 0."""
    if numerator is None or not denominator:
        return None
    return float(Decimal(numerator) * scale / Decimal(denominator))


def _sum(groups: Mapping[str, Mapping[str, Any]], key: str) -> Any:
    values = [g[key] for g in groups.values() if g.get(key) is not None]
    return (
        sum(values, Decimal(0) if values and isinstance(values[0], Decimal) else 0)
        if values
        else None
    )


def _income_exact(rows: Mapping[str, Any]) -> Decimal | None:
    numerator, denominator = rows.get("s_income_x_workers"), rows.get("s_income_workers")
    if numerator is None or not denominator:
        return None
    return Decimal(numerator) / Decimal(denominator)


def _income(rows: Mapping[str, Any]) -> float | None:
    exact = _income_exact(rows)
    return None if exact is None else float(exact)


def growth_pct(current: Decimal | None, previous: Decimal | None) -> float | None:
    """In Decimal: 42,8 after 40 is exactly 7 %, which binary floats make 6,999…"""
    if current is None or not previous:
        return None
    return float((current / previous - 1) * 100)


def income_avg(
    area: Area, kind: str, year: int, *, include_unapproved: bool = False
) -> Decimal | None:
    rows = reports_of(
        population(area, kind), year, include_unapproved=include_unapproved
    ).aggregate(
        s_income_x_workers=Sum(_income_x_workers(), filter=_WITH_INCOME),
        s_income_workers=Sum("workers", filter=_WITH_INCOME),
    )
    return _income_exact(rows)


def valid_ocop(population_qs: QuerySet[Entity], on: dt.date) -> list[tuple[int, int, dt.date]]:
    """(entity id, product id) of the OCOP products valid at `on`: recognised on or before
    it, and `on` before recognition + 36 months. The month arithmetic is done in Python so
    that month ends and leap days follow one rule on every database."""
    candidates = OcopProduct.objects.filter(
        entity__in=population_qs.values("pk"),
        recognized_on__lte=on,
        recognized_on__gt=on - dt.timedelta(days=37 * 31),
    ).values_list("entity_id", "pk", "recognized_on")
    return [(e, p, rec) for e, p, rec in candidates if on < add_months(rec, 36)]


_UNSET = object()


def compute(
    year: int,
    area_code: str | None = None,
    kind: str = Kind.HTX,
    *,
    with_checks: bool = True,
    include_unapproved: bool = False,
) -> dict[str, Any]:
    """The object of the command-line and API contract (DOMAIN.md §4). Its "area" also
    carries "notes": Vietnamese sentences a reader must see with the figures (the territory
    differs from the year before, so the growth compares two territories; no successor is
    recorded for an ended unit).

    Kept between requests under the data's version (kttt.indicators.cache)."""
    code = area_code or str(settings.KTTT_HOME_AREA)
    return cached(
        "compute",
        (year, code, str(kind), with_checks, include_unapproved),
        lambda: _compute(
            year, code, kind, with_checks=with_checks, include_unapproved=include_unapproved
        )[0],
        year=year,
    )


# The previous year of a selector: its area (None when the code meant nothing then) and its
# exact income_avg.
Previous = tuple[Area | None, Decimal | None]


def _compute(
    year: int,
    area_code: str | None = None,
    kind: str = Kind.HTX,
    *,
    with_checks: bool = True,
    previous: Any = _UNSET,
    include_unapproved: bool = False,
) -> tuple[dict[str, Any], Previous]:
    """compute(), also returning this year's area and exact income_avg for the next year.

    `previous` (the area and exact income_avg of year − 1 for the same selector) may be
    passed by a caller that has it already, as series() does; `with_checks=False` skips the
    data-quality rules (a chart does not need them)."""
    as_of = year_end(year)
    area = resolve_area(area_code or settings.KTTT_HOME_AREA, as_of)
    p = population(area, kind)
    located = in_area(Entity.objects.filter(kind=kind), area)
    # P by sector, coops_new and coops_dissolved in one pass over the located entities.
    inactive = StatusChange.objects.filter(in_force(as_of, "date")).exclude(status=Status.ACTIVE)
    ended = StatusChange.objects.filter(status__in=ENDING_STATUSES, date__year=year)
    by_located = (
        located.order_by()
        .values("sector")
        .annotate(
            n_active=Count(
                "pk",
                filter=Q(established_on__lte=as_of) & ~Q(pk__in=inactive.values("entity_id")),
            ),
            n_new=Count("pk", filter=Q(established_on__year=year)),
            n_dissolved=Count("pk", filter=Q(pk__in=ended.values("entity_id"))),
        )
    )
    p_sector, coops_new, coops_dissolved = {}, 0, 0
    for row in by_located:
        p_sector[row["sector"]] = row["n_active"]
        coops_new += row["n_new"]
        coops_dissolved += row["n_dissolved"]
    rows = reports_of(p, year, include_unapproved=include_unapproved)
    check_counts: dict[str, Any] = {}
    if with_checks:  # the rules over rows are counted in the same pass
        rows = rows.alias(_previous_income=previous_income_of_row())
        check_counts = checks.row_counts()
    aggregates = _row_aggregates()  # reads the grading rules once
    groups: dict[str, dict[str, Any]] = {
        row["entity__sector"]: dict(row)
        for row in rows.order_by().values("entity__sector").annotate(**aggregates, **check_counts)
    }
    ocop_rows = valid_ocop(p, as_of)
    ocop = [(e, pid) for e, pid, _rec in ocop_rows]
    if previous is _UNSET:
        previous = _previous(area_code, kind, year, include_unapproved)
    previous_area, previous_income = previous

    # Reported on time: first submitted or approved by the deadline, whatever the row's
    # status now (kttt.registry.reporting).
    on_time = reports_of(p, year, include_unapproved=True).filter(on_time_q(year)).count()
    total = {key: _sum(groups, key) for key in aggregates}
    active = sum(p_sector.values())
    received = total["rows"] or 0
    agri: dict[str, Any] = groups.get(Sector.NONG_NGHIEP, {})
    values: dict[str, Any] = {
        "coops_active": active,
        "coops_new": coops_new,
        "coops_dissolved": coops_dissolved,
        "reports_received": received,
        "reporting_rate_pct": ratio(received, active, 100),
        "reporting_ontime_pct": ratio(on_time, active, 100),
        "members": _num(total["s_members"]),
        "workers": _num(total["s_workers"]),
        "workers_trained": _num(total["s_workers_trained"]),
        "workers_trained_pct": ratio(total["s_workers_trained"], total["s_workers"], 100),
        "managers": _num(total["s_managers"]),
        "managers_trained": _num(total["s_managers_trained"]),
        "managers_trained_pct": ratio(total["s_managers_trained"], total["s_managers"], 100),
        "capital": _num(total["s_capital"]),
        "revenue": _num(total["s_revenue"]),
        "revenue_avg": ratio(total["s_revenue"], received),
        "profit": _num(total["s_profit"]),
        "profit_avg": ratio(total["s_profit"], received),
        "tax": _num(total["s_tax"]),
        "income_avg": _income(total),
        "income_growth_pct": growth_pct(_income_exact(total), previous_income),
        "coops_classified": total["n_classified"] or 0,
        "coops_effective": total["n_effective"] or 0,
        "coops_effective_pct": ratio(total["n_effective"], total["n_classified"], 100),
        "coops_effective_active_pct": ratio(total["n_effective"], active, 100),
        "agri_coops": agri.get("rows", 0),
        "agri_hightech": agri.get("n_hightech", 0),
        "agri_hightech_pct": ratio(agri.get("n_hightech"), agri.get("rows"), 100),
        "value_chain_coops": total["n_value_chain"] or 0,
        "value_chain_pct": ratio(total["n_value_chain"], received, 100),
        "ocop_coops": len({e for e, _p in ocop}),
        "ocop_products": len(ocop),
        "coops_mgr_primary": total["n_mgr_primary"] or 0,
        "coops_mgr_primary_pct": ratio(total["n_mgr_primary"], received, 100),
        "coops_mgr_intermediate": total["n_mgr_intermediate"] or 0,
        "coops_mgr_intermediate_pct": ratio(total["n_mgr_intermediate"], received, 100),
    }
    assert set(values) == {i.code for i in INDICATORS}
    by_sector = _by_sector(p_sector, groups, values)
    findings = []
    if with_checks:
        counts = {key: _sum(groups, key) or 0 for key in checks.row_counts()}
        counts["missing_report"] = active - received
        reports = reports_of(p, year, include_unapproved=include_unapproved)
        context = checks.Context(year, kind, area, p, reports, counts, ocop_rows)
        findings = checks.sector_sum_check(by_sector, values) + checks.run_checks(context)
    result = {
        "year": year,
        "area": {**area.as_json(), "notes": area_notes(area, previous_area)},
        "kind": kind,
        "indicators": values,
        "by_sector": by_sector,
        "checks": findings,
    }
    return result, (area, _income_exact(total))


def area_notes(area: Area, previous: Area | None) -> list[str]:
    """What a reader must know about the area with its figures: the notes of the area
    itself, and a territory that differs from the year before (DOMAIN.md §3: a figure
    compared across a change of territory says so)."""
    notes = list(area.notes)
    if previous is not None and territory_changed(previous, area):
        notes.append(
            _(
                "Địa bàn năm %(year)s (%(now)s) khác địa bàn năm %(before_year)s "
                "(%(before)s) do sắp xếp đơn vị hành chính: so sánh với năm trước (tăng "
                "trưởng thu nhập, chuỗi số liệu, tiến độ mục tiêu) là so sánh giữa hai địa "
                "bàn khác nhau."
            )
            % {
                "year": area.as_of.year,
                "now": describe_territory(area),
                "before_year": previous.as_of.year,
                "before": describe_territory(previous),
            }
        )
    return notes


def series(
    first_year: int,
    last_year: int,
    area_code: str | None = None,
    kind: str = Kind.HTX,
    *,
    include_unapproved: bool = False,
) -> list[dict[str, Any]]:
    """The indicators for a range of years (for charts): one fixed set of queries per year,
    none per indicator; each year's income growth reuses the previous year's income. Each
    year is kept as `compute(..., with_checks=False)` keeps it, and taken from there."""
    code = area_code or str(settings.KTTT_HOME_AREA)
    results = []
    previous: Any = _UNSET
    for year in range(first_year, last_year + 1):
        kept = Kept(year)
        args = (year, code, str(kind), False, include_unapproved)
        result = kept.get("compute", args)
        if result is MISS:
            computed: dict[str, Any] = {}

            def make_year(y: int = year, before: Any = previous, out: Any = computed) -> Any:
                result, out["previous"] = _compute(
                    y,
                    code,
                    kind,
                    with_checks=False,
                    previous=before,
                    include_unapproved=include_unapproved,
                )
                return result

            # Computed once for every process asking at the same time (cache.Kept.computed);
            # a result another computed leaves the next year to read its previous year.
            result = kept.computed("compute", args, make_year)
            previous = computed.get("previous", _UNSET)
            refresh.note_asked(
                "compute",
                args,
                year,
                lambda y=year: _compute(  # type: ignore[misc]
                    y, code, kind, with_checks=False, include_unapproved=include_unapproved
                )[0],
            )
        else:
            previous = _UNSET  # the next year missing reads its previous year itself
        results.append(result)
    return results


def _previous(
    area_code: str | None, kind: str, year: int, include_unapproved: bool = False
) -> Previous:
    try:
        area = resolve_area(area_code or settings.KTTT_HOME_AREA, year_end(year - 1))
    except AreaError:
        return None, None  # the code meant nothing a year earlier: no growth can be computed
    return area, income_avg(area, kind, year - 1, include_unapproved=include_unapproved)


def _by_sector(
    p_sector: Mapping[str, int], groups: Mapping[str, Mapping[str, Any]], totals: Mapping[str, Any]
) -> dict[str, dict[str, Any]]:
    result = {}
    for sector in Sector.values:
        rows = groups.get(sector, {})
        values = {
            "coops_active": p_sector.get(sector, 0),
            "members": _num(rows.get("s_members")),
            "workers": _num(rows.get("s_workers")),
            "capital": _num(rows.get("s_capital")),
            "revenue": _num(rows.get("s_revenue")),
            "income_avg": _income(rows),
        }
        values["coops_active_pct"] = ratio(values["coops_active"], totals["coops_active"], 100)
        for key in ("members", "workers", "capital"):
            values[f"{key}_pct"] = ratio(values[key], totals[key], 100)
        result[sector] = values
    return result
