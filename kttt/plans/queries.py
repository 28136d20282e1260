import datetime as dt

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import Http404

from kttt.accounts.access import PLAN_WRITERS, Scope, scope_of
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


def plans_readable_by(scope: Scope) -> list[Plan]:
    """The plans whose area the user may read, latest first."""
    plans = Plan.objects.annotate(n_targets=Count("targets")).order_by("-start_year", "name")
    return [p for p in plans if scope.may_read_area(p.area_code, plan_area_date(p))]


def access_plan_by_id(request_or_user: object, pk: int, *, write: bool = False) -> Plan:
    """The plan if the user may read its area, else 404 (as if missing); with write=True
    also 403 unless the user may change plans there (admin, or planning in that area)."""
    scope = scope_of(request_or_user)
    plan = Plan.objects.filter(pk=pk).first()
    if plan is None or not scope.may_read_area(plan.area_code, plan_area_date(plan)):
        raise Http404
    if write and not scope.may_read_area(plan.area_code, plan_area_date(plan), roles=PLAN_WRITERS):
        raise PermissionDenied
    return plan
