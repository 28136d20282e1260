"""Helpers shared by the plans' pages."""

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from kttt.access.plans import has_work_unit, plans_open_to, reads_plan_in_full
from kttt.access.scope import today
from kttt.plans.models import Plan
from kttt.web import Guard, conflict_status
from kttt.web.versions import when

# Badge colours of a target's status: Đạt green, Chưa đạt red, Chưa đủ số liệu grey, Đúng
# tiến độ blue, Chậm tiến độ orange.
STATUS_CLASS = {
    "achieved": "ok",
    "not_achieved": "bad",
    "no_data": "",
    "on_track": "info",
    "behind": "warn",
}


def status_of(form: Any) -> int:
    """400 for a form with errors, 409 for one refused by a conflict (kttt.web.versions)."""
    return conflict_status(form) if form.is_bound and form.errors else 200


# --- pages under /de-an/ ----------------------------------------------------------------


def form_page(
    request: HttpRequest,
    form: Any,
    *,
    title: str,
    plan: Plan | None = None,
    intro: str = "",
    help: str = "",
) -> HttpResponse:
    cancel = reverse("plans:plan_detail", args=[plan.pk]) if plan else reverse("plans:plan_list")
    context = {
        "form": form,
        "title": title,
        "plan": plan,
        "cancel_url": cancel,
        "intro": intro,
        "help": help,
    }
    return render(request, "plans/form.html", context, status=status_of(form))


def to_plan(plan: Plan) -> HttpResponse:
    return redirect("plans:plan_detail", pk=plan.pk)


# --- pages under /thuc-hien/ ------------------------------------------------------------


def evaluation_year(plan: Plan) -> int:
    """This year, kept within the plan's period."""
    return min(max(today().year, plan.start_year), plan.end_year)


def plan_context(request: HttpRequest, plan: Plan, tab: str) -> dict[str, Any]:
    return {
        "plan": plan,
        "plans": plans_open_to(request),
        "tab": tab,
        "full": reads_plan_in_full(request, plan),
        "has_work_unit": has_work_unit(request),
    }


def no_plan(request: HttpRequest, tab: str) -> HttpResponse:
    return render(
        request,
        "execution/no_plan.html",
        {"tab": tab, "has_work_unit": has_work_unit(request)},
    )


# --- conflicts (optimistic locking, kttt.web.versions) --------------------------------


def changed_at(obj: Any) -> str:
    """When a record that keeps `updated_at` (an activity) was last saved; the plans keep no
    trail of who changed what, so a conflict's message names no one."""
    return _("Bản ghi này đã được sửa lúc %(at)s sau khi bạn đọc.") % {"at": when(obj.updated_at)}


def guard_of(obj: Any, initial_of: Any) -> Guard:
    """The version check of a plan's record whose form shows `initial_of(obj)`."""
    describe = changed_at if hasattr(obj, "updated_at") else (lambda _obj: "")
    return Guard(obj, initial_of, describe)
