"""Who may see and make the official reports (the Reports page, /bao-cao/), and who sets
their issuing agencies. At the layer of kttt.documents (tests/test_layers.py).

- An annual report on an area and a year is *read* (previewed, downloaded, listed in the
  register) by whoever may read the area's figures that year (`Scope.may_read_area` at
  31/12 of the year) and, when it is built on a plan, also reads that plan in full (its
  targets' status): `kttt.access.plans.reads_plan_in_full`.
- A final report on a plan is read by whoever reads the plan in full, as the plan's final
  evaluation page (/de-an/<id>/tong-ket/).
- A report is *entered in the register* by the report writers (`REPORT_WRITERS`: admin,
  planning, commune) whose territory holds the report's area, read as above.
- The issuers' settings are for administrators.

As everywhere: what the user may not read answers 404, a write the role may not make 403.
"""

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from kttt.access.plans import reads_plan_in_full
from kttt.access.scope import scope_of
from kttt.accounts.models import Role
from kttt.documents.models import Issuer, Report, ReportKind
from kttt.lib.dates import year_end
from kttt.plans.models import Plan
from kttt.plans.queries import plan_area_date

# Roles that may enter a report in the register, within their territory.
REPORT_WRITERS = {Role.ADMIN, Role.PLANNING, Role.COMMUNE}


def reads_reports(request_or_user: object) -> bool:
    """Has the user an area whose figures it reads (the Reports page is for them)?"""
    return scope_of(request_or_user).reads_area_figures()


def makes_reports(request_or_user: object) -> bool:
    """Has the user a role that enters reports in the register (somewhere)?"""
    scope = scope_of(request_or_user)
    return scope.reads_area_figures() and bool(scope.roles & REPORT_WRITERS)


def _area_and_date(
    kind: str, area_code: str, year: int | None, plan: Plan | None
) -> tuple[str, dt.date]:
    if kind == ReportKind.FINAL and plan is not None:
        return plan.area_code, plan_area_date(plan)
    assert year is not None
    return area_code, year_end(year)


def may_read_report(
    request_or_user: object, kind: str, area_code: str, year: int | None, plan: Plan | None
) -> bool:
    scope = scope_of(request_or_user)
    if scope.is_admin:
        return True
    if kind == ReportKind.FINAL:
        return plan is not None and reads_plan_in_full(request_or_user, plan)
    if year is None or not scope.may_read_area(area_code, year_end(year)):
        return False
    return plan is None or reads_plan_in_full(request_or_user, plan)


def may_write_report(
    request_or_user: object, kind: str, area_code: str, year: int | None, plan: Plan | None
) -> bool:
    """May the user enter this report in the register? (The caller has checked that the
    user may read it.)"""
    scope = scope_of(request_or_user)
    if scope.is_admin:
        return True
    if kind == ReportKind.FINAL and plan is None:
        return False
    if kind != ReportKind.FINAL and year is None:
        return False
    code, on = _area_and_date(kind, area_code, year, plan)
    return scope.may_read_area(code, on, roles=REPORT_WRITERS)


def require_report(
    request_or_user: object,
    kind: str,
    area_code: str,
    year: int | None,
    plan: Plan | None,
    *,
    write: bool = False,
) -> None:
    """404 unless the user may read the report asked for; with write=True also 403 unless
    the user may enter it in the register."""
    if not may_read_report(request_or_user, kind, area_code, year, plan):
        raise Http404
    if write and not may_write_report(request_or_user, kind, area_code, year, plan):
        raise PermissionDenied


def reports_visible_to(request_or_user: object) -> QuerySet[Report]:
    """The register's entries the user may read. The decision is taken once per distinct
    (kind, area, year, plan), so the queries grow with those, not with the entries."""
    if not reads_reports(request_or_user):
        return Report.objects.none()
    if scope_of(request_or_user).is_admin:
        return Report.objects.all()
    plans = {p.pk: p for p in Plan.objects.all()}
    keys = Report.objects.order_by().values_list("kind", "area_code", "year", "plan_id").distinct()
    condition = Q(pk__in=[])
    for kind, area_code, year, plan_id in keys:
        plan = plans.get(plan_id) if plan_id is not None else None
        if may_read_report(request_or_user, kind, area_code, year, plan):
            condition |= Q(kind=kind, area_code=area_code, year=year, plan_id=plan_id)
    return Report.objects.filter(condition)


def access_report(request_or_user: object, pk: int) -> Report:
    """A register entry the user may read, else 404."""
    report = Report.objects.select_related("plan", "created_by").filter(pk=pk).first()
    if report is None or not may_read_report(
        request_or_user, report.kind, report.area_code, report.year, report.plan
    ):
        raise Http404
    return report


def may_set_issuers(request_or_user: object) -> bool:
    return scope_of(request_or_user).is_admin


def access_issuers(request_or_user: object) -> None:
    """The issuers' settings: 403 for who is no administrator."""
    if not may_set_issuers(request_or_user):
        raise PermissionDenied


def access_issuer(request_or_user: object, pk: int) -> Issuer:
    access_issuers(request_or_user)
    issuer = Issuer.objects.filter(pk=pk).first()
    if issuer is None:
        raise Http404
    return issuer
