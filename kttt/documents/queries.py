"""Look-ups shared by the report command and the Reports page."""

from kttt.plans.models import Plan


def plan_for_year(area_code: str, year: int) -> Plan | None:
    """The plan of exactly this area whose period covers the year (a report on a commune
    does not borrow the district's targets)."""
    return (
        Plan.objects.filter(area_code=area_code, start_year__lte=year, end_year__gte=year)
        .order_by("-start_year")
        .first()
    )
