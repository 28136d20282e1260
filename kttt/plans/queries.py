import datetime as dt

from django.conf import settings

from kttt.lib.dates import year_end
from kttt.plans.models import Plan


def plan_in_force(year: int | None = None, area_code: str | None = None) -> Plan | None:
    """The plan of the area whose period covers `year` (the latest plan when none does)."""
    plans = Plan.objects.filter(area_code=area_code or settings.KTTT_HOME_AREA)
    if year is not None and (covering := plans.filter(start_year__lte=year, end_year__gte=year)):
        return covering.order_by("-start_year").first()
    return plans.order_by("-start_year").first()


def plan_area_date(plan: Plan) -> dt.date:
    """A plan's area is read at the end of its first year for access (as when entered)."""
    return year_end(plan.start_year)


def plan_for_year(area_code: str, year: int) -> Plan | None:
    """The plan of exactly this area whose period covers the year (a report or the home
    page of a commune does not borrow the district's targets)."""
    return (
        Plan.objects.filter(area_code=area_code, start_year__lte=year, end_year__gte=year)
        .order_by("-start_year")
        .first()
    )
