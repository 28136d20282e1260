"""The indicator charts the pages and the reports share (drawn by kttt.lib.charts): the
cooperatives and the average income by year, the members by year, the cooperatives by
sector, and the reporting rate by unit.

Built from the engine's own output (`series`, `compute`): no second computation."""

from collections.abc import Mapping, Sequence
from typing import Any

from django.utils.translation import gettext as _

from kttt.indicators.coverage import UnitCoverage
from kttt.indicators.definitions import BY_CODE
from kttt.indicators.engine import series
from kttt.lib.charts import Chart, Series, bar_line, bars
from kttt.registry.models import Kind, Sector


def no_data() -> str:
    return _("Chưa có số liệu")


def years_chart(results: Sequence[Mapping[str, Any]], title: str | None = None) -> Chart:
    """Active cooperatives (bars) and the average income of their workers (line) by year,
    from the results of `series()` (or of `compute()`, one a year)."""
    active, income = BY_CODE["coops_active"], BY_CODE["income_avg"]
    years = [str(r["year"]) for r in results]
    if title is None:
        title = _("Số HTX đang hoạt động và thu nhập bình quân của lao động")
        if years:
            title += f", {years[0]}–{years[-1]}" if len(years) > 1 else f", {years[0]}"
    return bar_line(
        title,
        years,
        Series(
            str(active.name), [r["indicators"]["coops_active"] for r in results], str(active.unit)
        ),
        Series(
            str(income.name), [r["indicators"]["income_avg"] for r in results], str(income.unit)
        ),
        empty_text=no_data(),
    )


def area_years_chart(
    area_code: str | None, first_year: int, last_year: int, kind: str = Kind.HTX
) -> Chart:
    """years_chart() of an area selector over a range of years (the engine's `series`)."""
    return years_chart(series(first_year, last_year, area_code, kind))


def sector_chart(result: Mapping[str, Any], title: str | None = None) -> Chart:
    """The active cooperatives of each sector, from one `compute()` result ("by_sector"):
    horizontal bars in the order of the sector list; sectors with none are left out."""
    by_sector = result["by_sector"]
    rows = [(str(label), by_sector[code]["coops_active"]) for code, label in Sector.choices]
    rows = [(label, n) for label, n in rows if n]
    if title is None:
        title = _("Số HTX đang hoạt động theo lĩnh vực, năm %(year)s") % {"year": result["year"]}
    active = BY_CODE["coops_active"]
    return bars(
        title,
        [label for label, _n in rows],
        [Series(str(active.name), [n for _label, n in rows], str(active.unit))],
        str(active.unit),
        horizontal=True,
        empty_text=no_data(),
    )


def members_chart(results: Sequence[Mapping[str, Any]], title: str | None = None) -> Chart:
    """The members of the reporting cooperatives by year, from `series()` results."""
    members = BY_CODE["members"]
    years = [str(r["year"]) for r in results]
    if title is None:
        title = _("Số thành viên HTX")
        if years:
            title += f", {years[0]}–{years[-1]}" if len(years) > 1 else f", {years[0]}"
    return bars(
        title,
        years,
        [
            Series(
                str(members.name), [r["indicators"]["members"] for r in results], str(members.unit)
            )
        ],
        str(members.unit),
        empty_text=no_data(),
    )


# The most units a reporting chart shows (the lowest rates): more bars would not be read.
REPORTING_CHART_UNITS = 25


def reporting_chart(units: Sequence[UnitCoverage], year: int, area_name: str) -> Chart:
    """The reporting rate of each unit (from `coverage.reporting_by_unit`), ranked from the
    lowest, at most REPORTING_CHART_UNITS of them; the height grows with the bars."""
    shown = list(units)[:REPORTING_CHART_UNITS]
    rate = BY_CODE["reporting_rate_pct"]
    title = _("Tỷ lệ HTX nộp báo cáo năm %(year)s theo đơn vị, %(area)s") % {
        "year": year,
        "area": area_name,
    }
    chart = bars(
        title,
        [u.name for u in shown],
        [Series(str(rate.name), [u.rate_pct for u in shown], str(rate.unit))],
        str(rate.unit),
        horizontal=True,
        empty_text=no_data(),
    )
    return chart.sized(chart.width_cm, max(chart.height_cm, 3.0 + 0.7 * len(shown)))
