"""Entering a plan's targets from the web: add, change, remove (only an administrator or a
planning officer of the plan's area; 403 for the other readers, 404 for everyone else)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_http_methods

from kttt.access.plans import access_plan, access_target
from kttt.plans import services
from kttt.plans.forms.targets import TargetForm
from kttt.plans.views.common import form_page, guard_of, to_plan
from kttt.web import saved

TARGET_HELP = _lazy(
    "Mục tiêu gắn với một chỉ tiêu và một mức cần đạt; trạng thái Đạt / Chưa đạt được tính tự "
    "động từ số liệu năm."
)


@login_required
@require_http_methods(["GET", "POST"])
def target_create(request: HttpRequest, pk: int) -> HttpResponse:
    plan = access_plan(request, pk, write=True)
    form = TargetForm(request.POST or None, plan=plan)
    if saved(form, lambda: services.save_target(plan=plan, values=form.values())):
        messages.success(request, _("Đã thêm mục tiêu."))
        return to_plan(plan)
    return form_page(request, form, title=_("Thêm mục tiêu"), plan=plan, help=str(TARGET_HELP))


@login_required
@require_http_methods(["GET", "POST"])
def target_edit(request: HttpRequest, pk: int, target_pk: int) -> HttpResponse:
    target = access_target(request, pk, target_pk, write=True)
    plan = target.plan
    guard = guard_of(target, TargetForm.initial_of)
    form = TargetForm(request.POST or None, plan=plan, target=target, initial=guard.initial)
    guard.track(form)
    if saved(
        form,
        lambda: services.save_target(plan=plan, target=target, values=form.values()),
        guard=guard,
    ):
        messages.success(request, _("Đã lưu mục tiêu."))
        return to_plan(plan)
    return form_page(request, form, title=_("Sửa mục tiêu"), plan=plan, help=str(TARGET_HELP))


@login_required
@require_http_methods(["GET", "POST"])
def target_delete(request: HttpRequest, pk: int, target_pk: int) -> HttpResponse:
    target = access_target(request, pk, target_pk, write=True)
    plan = target.plan
    if request.method == "POST":
        services.delete_target(target=target)
        messages.success(request, _("Đã xóa mục tiêu."))
        return to_plan(plan)
    return render(request, "plans/confirm_delete.html", {"plan": plan, "target": target})
