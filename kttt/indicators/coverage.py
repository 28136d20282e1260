"""How far an area's reports for a year have come in: which year a page shows first, and
the reporting rate unit by unit (the home page's chart).

Both read P and R exactly as the engine does (`population`, `reports_of`), so the rates
add up to the engine's `reports_received` / `coops_active`; neither is a second definition.
"""

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, Q
from django.utils import timezone

from kttt.areas.models import Level, Unit
from kttt.areas.services import COUNTRY, Area, AreaError, resolve_area
from kttt.indicators.cache import cached
from kttt.indicators.engine import population, ratio, reports_of
from kttt.lib.dates import year_end
from kttt.registry.models import Kind
from kttt.registry.queries import current_locations, report_years

# A year is shown first once reports from at least this share of its active cooperatives
# have come in (issue 9): not the calendar year as soon as one cooperative enters it.
DEFAULT_YEAR_SHARE = 0.5


def data_years() -> list[int]:
    """Every year with at least one yearly row, newest first (`report_years`, kept between
    requests: a scan of every yearly row)."""
    return cached("data_years", (), report_years)


def coverage(area: Area, year: int, kind: str = Kind.HTX) -> tuple[int, int]:
    """(coops_active, reports_received) of the engine, in one query."""
    p = population(area, kind)
    reported = reports_of(p, year).values("entity_id")
    counts = p.aggregate(active=Count("pk"), reported=Count("pk", filter=Q(pk__in=reported)))
    return counts["active"], counts["reported"]


def default_year(
    area_code: str | None = None, kind: str = Kind.HTX, *, today: dt.date | None = None
) -> int:
    """The latest year, not after this one, in which reports came in from at least half of
    the area's active cooperatives. When no year qualifies, the latest year with any yearly
    row (not after this one); without any, this year. One query per year looked at, newest
    first, stopping at the first that qualifies. Kept between requests."""
    current = (today or timezone.localdate()).year
    code = area_code or str(settings.KTTT_HOME_AREA)
    return cached(
        "default_year", (code, str(kind), current), lambda: _default_year(code, kind, current)
    )


def _default_year(code: str, kind: str, current: int) -> int:
    years = [y for y in data_years() if y <= current]
    for year in years:
        try:
            area = resolve_area(code, year_end(year))
        except AreaError:
            continue  # the code named nothing that year
        active, reported = coverage(area, year, kind)
        if active and reported >= active * DEFAULT_YEAR_SHARE:
            return year
    return years[0] if years else current


@dataclass(frozen=True)
class UnitCoverage:
    """The reporting of the active cooperatives located in one unit."""

    code: str
    name: str
    active: int
    reported: int
    ended: bool  # a unit that no longer existed on the area's date (not yet moved out of)
    sort_name: str = ""

    @property
    def rate_pct(self) -> float | None:
        return ratio(self.reported, self.active, 100)


def _group_level(area: Area) -> str:
    """The level the units of the breakdown are at: provinces for the whole country,
    districts for a province (communes where the province has none, after 2025), communes
    below that."""
    if area.code == COUNTRY:
        return Level.PROVINCE
    if area.unit is not None and area.unit.level == Level.PROVINCE:
        return Level.DISTRICT
    return Level.COMMUNE


def reporting_by_unit(
    year: int, area_code: str | None = None, kind: str = Kind.HTX
) -> tuple[Area, list[UnitCoverage]]:
    """The area's reporting rate by the units one level below it, lowest rate first.

    P and R are the engine's; each cooperative of P counts in the unit where it is located
    on the area's location date (for a district: its commune; for a province: that
    commune's district; for the country: its province). Two queries whatever the number of
    cooperatives or units: one grouped count over the location rows in force, one for the
    units' names. Kept between requests."""
    code = area_code or str(settings.KTTT_HOME_AREA)
    return cached(
        "reporting_by_unit",
        (year, code, str(kind)),
        lambda: _reporting_by_unit(year, code, kind),
        year=year,
    )


def _reporting_by_unit(year: int, area_code: str, kind: str) -> tuple[Area, list[UnitCoverage]]:
    area = resolve_area(area_code, year_end(year))
    p = population(area, kind)
    reported = reports_of(p, year).values("entity_id")
    rows = (
        current_locations(area.location_date)
        .filter(entity__in=p.values("pk"))
        .order_by()
        .values("unit_id", "unit__district_id", "unit__province_id")
        .annotate(
            active=Count("entity_id"), reported=Count("entity_id", filter=Q(entity_id__in=reported))
        )
    )
    level = _group_level(area)
    totals: dict[int, list[int]] = {}
    for row in rows:
        key = row["unit_id"]
        if level == Level.PROVINCE:
            key = row["unit__province_id"] or key
        elif level == Level.DISTRICT:
            key = row["unit__district_id"] or key
        counts = totals.setdefault(key, [0, 0])
        counts[0] += row["active"]
        counts[1] += row["reported"]
    units = Unit.objects.filter(pk__in=totals).values_list(
        "pk", "code", "name", "valid_to", "sort_name"
    )
    result = [
        UnitCoverage(
            code=code,
            name=name,
            active=totals[pk][0],
            reported=totals[pk][1],
            ended=valid_to is not None and valid_to < area.location_date,
            sort_name=sort_name,
        )
        for pk, code, name, valid_to, sort_name in units
    ]
    result.sort(key=lambda u: (u.reported / u.active, u.sort_name))
    return area, result
