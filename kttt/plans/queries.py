from django.conf import settings

from kttt.plans.models import Plan


def plan_in_force(year: int | None = None, area_code: str | None = None) -> Plan | None:
    """The plan of the area whose period covers `year` (the latest plan when none does)."""
    plans = Plan.objects.filter(area_code=area_code or settings.KTTT_HOME_AREA)
    if year is not None and (covering := plans.filter(start_year__lte=year, end_year__gte=year)):
        return covering.order_by("-start_year").first()
    return plans.order_by("-start_year").first()
