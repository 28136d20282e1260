"""Việc của tôi: the open activities of the user's own implementing units, overdue and due
within a month."""

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from kttt.access.plans import has_work_unit, may_write_any_activity, my_activities, my_units
from kttt.access.scope import today
from kttt.plans.models import ActivityStatus

DUE_DAYS = 30
OPEN = ~Q(status__in=[ActivityStatus.DONE, ActivityStatus.CANCELLED])


@login_required
def my_work(request: HttpRequest) -> HttpResponse:
    on = today()
    mine = my_activities(request).filter(OPEN).select_related("task", "unit")
    overdue = list(mine.filter(end_date__lt=on).order_by("end_date", "pk"))
    due = list(
        mine.filter(end_date__gte=on, end_date__lte=on + dt.timedelta(days=DUE_DAYS)).order_by(
            "end_date", "pk"
        )
    )
    context = {
        "overdue": overdue,
        "due": due,
        "days": DUE_DAYS,
        "today": on,
        "tab": "mine",
        "has_work_unit": has_work_unit(request),
        "can_add": may_write_any_activity(request),
        "units": my_units(request),
    }
    return render(request, "execution/my_work.html", context)
