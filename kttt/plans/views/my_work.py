"""Việc của tôi: for the user's units and territory, the open activities overdue and due
within a month, the yearly figures to enter, send, correct or approve, and the OCOP
certificates about to expire. A section shows only to the roles it concerns."""

import datetime as dt
from typing import Any

from django.contrib.auth.decorators import login_required
from django.db.models import Exists, OuterRef, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from kttt.access.plans import has_work_unit, may_write_any_activity, my_activities, my_units
from kttt.access.registry import APPROVERS, entities_approved_by, entities_writable_by
from kttt.access.scope import FIGURE_WRITERS, scope_of, today
from kttt.accounts.models import Role
from kttt.lib.dates import add_months, year_end
from kttt.plans.models import ActivityStatus
from kttt.registry.models import Kind, OcopProduct, ReviewStatus, YearlyReport
from kttt.registry.queries import active_at
from kttt.registry.reporting import deadline

DUE_DAYS = 30
OCOP_DAYS = 90
OPEN = ~Q(status__in=[ActivityStatus.DONE, ActivityStatus.CANCELLED])
# Roles that enter figures for approval by someone else.
SENDERS = {Role.COMMUNE, Role.COOPERATIVE}
# Roles that follow OCOP certificates (the agricultural office among the departments).
OCOP_FOLLOWERS = FIGURE_WRITERS | {Role.DEPARTMENT}


def yearly_work(request: HttpRequest, on: dt.date) -> dict[str, Any]:
    """The yearly figures of last year to enter or send (senders), the returned ones, those
    waiting for approval (senders see their own, approvers those to approve)."""
    roles = scope_of(request).roles
    year = on.year - 1
    out: dict[str, Any] = {"yearly_year": year, "yearly_deadline": deadline(year)}
    if roles & SENDERS and not roles & APPROVERS:
        mine = entities_writable_by(request, SENDERS)
        has_row = YearlyReport.objects.filter(entity=OuterRef("pk"), year=year)
        out["to_enter"] = list(
            active_at(mine.filter(kind=Kind.HTX), year_end(year))
            .exclude(Exists(has_row))
            .order_by("sort_name")
        )
        rows = YearlyReport.objects.filter(entity__in=mine.values("pk")).select_related("entity")
        out["drafts"] = list(rows.filter(status=ReviewStatus.DRAFT).order_by("-year", "entity"))
        out["returned"] = list(
            rows.filter(status=ReviewStatus.RETURNED).order_by("-year", "entity")
        )
        out["to_send"] = len(out["to_enter"]) + len(out["drafts"])
        out["waiting"] = list(
            rows.filter(status=ReviewStatus.SUBMITTED).order_by("-year", "entity")
        )
    if roles & APPROVERS:
        out["to_approve"] = list(
            YearlyReport.objects.filter(
                status=ReviewStatus.SUBMITTED, entity__in=entities_approved_by(request)
            )
            .select_related("entity")
            .order_by("-year", "entity__sort_name")
        )
    return out


def ocop_expiring(request: HttpRequest, on: dt.date) -> list[OcopProduct] | None:
    """Certificates valid today that end within 90 days (36 months after recognition), of
    the cooperatives of the user's territory; None for a role that does not follow them."""
    if not scope_of(request).roles & OCOP_FOLLOWERS:
        return None
    entities = entities_writable_by(request, OCOP_FOLLOWERS)
    candidates = OcopProduct.objects.filter(
        entity__in=entities.values("pk"),
        # A coarse window in SQL; the month arithmetic is done in Python (valid_until).
        recognized_on__gt=add_months(on, -37),
        recognized_on__lte=add_months(on + dt.timedelta(days=OCOP_DAYS), -35),
    ).select_related("entity")
    products = [p for p in candidates if on < p.valid_until <= on + dt.timedelta(days=OCOP_DAYS)]
    return sorted(products, key=lambda p: (p.valid_until, p.entity.sort_name, p.name))


@login_required
def my_work(request: HttpRequest) -> HttpResponse:
    on = today()
    works = has_work_unit(request)
    context: dict[str, Any] = {
        "days": DUE_DAYS,
        "ocop_days": OCOP_DAYS,
        "today": on,
        "tab": "mine",
        "has_work_unit": works,
        "shows_activities": works or bool(my_units(request)),
        "can_add": may_write_any_activity(request),
        "units": my_units(request),
        "ocop": ocop_expiring(request, on),
        **yearly_work(request, on),
    }
    if context["shows_activities"]:
        mine = my_activities(request).filter(OPEN).select_related("task", "unit")
        context["overdue"] = list(mine.filter(end_date__lt=on).order_by("end_date", "pk"))
        context["due"] = list(
            mine.filter(end_date__gte=on, end_date__lte=on + dt.timedelta(days=DUE_DAYS)).order_by(
                "end_date", "pk"
            )
        )
    return render(request, "execution/my_work.html", context)
