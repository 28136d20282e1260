"""Activities under a plan's tasks and their evidence files: add, change, read, upload,
download, remove."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from kttt.access.plans import (
    access_activity,
    access_evidence,
    access_task,
    asked_plan,
    default_unit,
    may_write_activity,
    may_write_any_activity,
    units_writable_by,
)
from kttt.access.registry import entities_visible_to
from kttt.access.scope import require
from kttt.plans import activities
from kttt.plans.forms.activities import ActivityForm, EvidenceForm
from kttt.plans.models import Activity, ActivityStatus
from kttt.plans.views.common import guard_of, plan_context, status_of
from kttt.web import saved


def activity_form_page(
    request: HttpRequest, form: ActivityForm, *, title: str, cancel_url: str
) -> HttpResponse:
    context = {
        "form": form,
        "title": title,
        "cancel_url": cancel_url,
        "plan": form.plan,
        "help": _(
            "Hoạt động của đơn vị thuộc một nhiệm vụ của đề án; sau khi lưu, trang hoạt động mở "
            "ra để đính kèm minh chứng."
        ),
    }
    return render(request, "execution/form.html", context, status=status_of(form))


@login_required
@require_http_methods(["GET", "POST"])
def activity_create(request: HttpRequest) -> HttpResponse:
    require(may_write_any_activity(request))
    task = None
    if raw := request.GET.get("task", "").strip():
        if not raw.isdigit():
            raise Http404
        task = access_task(request, int(raw))
    plan = task.plan if task else asked_plan(request, request.GET.get("plan"))
    if plan is None:
        raise Http404
    units = list(units_writable_by(request)[:2])
    initial: dict[str, Any] = {"status": ActivityStatus.PLANNED, "task": task}
    initial["unit"] = units[0] if len(units) == 1 else default_unit(request)
    form = ActivityForm(request.POST or None, request=request, plan=plan, initial=initial)
    created: list[Activity] = []
    if saved(
        form,
        lambda: created.append(
            activities.save_activity(values=form.values(), cooperatives=form.chosen_cooperatives())
        ),
    ):
        messages.success(request, _("Đã thêm hoạt động."))
        return redirect("execution:activity_detail", pk=created[0].pk)
    cancel = (
        reverse("execution:task_detail", args=[task.pk])
        if task
        else reverse("execution:task_list") + f"?plan={plan.pk}"
    )
    return activity_form_page(request, form, title=_("Thêm hoạt động"), cancel_url=cancel)


@login_required
@require_http_methods(["GET", "POST"])
def activity_edit(request: HttpRequest, pk: int) -> HttpResponse:
    activity = access_activity(request, pk, write=True)
    guard = guard_of(activity, ActivityForm.initial_of)
    form = ActivityForm(
        request.POST or None,
        request=request,
        plan=activity.task.plan,
        activity=activity,
        initial=guard.initial,
    )
    guard.track(form)
    if saved(
        form,
        lambda: activities.save_activity(
            values=form.values(), cooperatives=form.chosen_cooperatives(), activity=activity
        ),
        guard=guard,
    ):
        messages.success(request, _("Đã lưu hoạt động."))
        return redirect("execution:activity_detail", pk=activity.pk)
    cancel = reverse("execution:activity_detail", args=[activity.pk])
    return activity_form_page(request, form, title=_("Sửa hoạt động"), cancel_url=cancel)


def activity_page(
    request: HttpRequest, activity: Activity, upload: EvidenceForm | None = None
) -> HttpResponse:
    supported = list(activity.cooperatives.order_by("sort_name", "code"))
    visible = set(
        entities_visible_to(request)
        .filter(pk__in=[e.pk for e in supported])
        .values_list("pk", flat=True)
    )
    can_write = may_write_activity(request, activity)
    context = plan_context(request, activity.task.plan, "tasks") | {
        "activity": activity,
        "cooperatives": [e for e in supported if e.pk in visible],
        "hidden_cooperatives": len(supported) - len(visible),
        "evidence": list(activity.evidence.select_related("uploaded_by")),
        "disbursements": list(
            activity.disbursements.select_related("line__source", "reverses", "reversal").order_by(
                "date", "pk"
            )
        ),
        "can_write": can_write,
        "upload": upload or (EvidenceForm() if can_write else None),
    }
    status = status_of(upload) if upload is not None else 200
    return render(request, "execution/activity_detail.html", context, status=status)


@login_required
def activity_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return activity_page(request, access_activity(request, pk))


@login_required
@require_POST
def evidence_upload(request: HttpRequest, pk: int) -> HttpResponse:
    activity = access_activity(request, pk, write=True)
    form = EvidenceForm(request.POST, request.FILES)
    if saved(
        form,
        lambda: activities.add_evidence(
            activity=activity, upload=form.cleaned_data["file"], user=request.user
        ),
    ):
        messages.success(request, _("Đã tải lên tệp minh chứng."))
        return redirect("execution:activity_detail", pk=activity.pk)
    return activity_page(request, activity, upload=form)


@login_required
def evidence_download(request: HttpRequest, pk: int, evidence_pk: int) -> FileResponse:
    evidence = access_evidence(request, pk, evidence_pk)
    try:
        stream = evidence.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(
        stream,
        as_attachment=True,
        filename=evidence.original_name,
        content_type=evidence.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def evidence_delete(request: HttpRequest, pk: int, evidence_pk: int) -> HttpResponse:
    evidence = access_evidence(request, pk, evidence_pk, write=True)
    back = reverse("execution:activity_detail", args=[pk])
    if request.method == "POST":
        activities.delete_evidence(evidence=evidence)
        messages.success(request, _("Đã xóa tệp minh chứng."))
        return redirect(back)
    what = _("tệp minh chứng “%(name)s”") % {"name": evidence.original_name}
    context = {
        "what": what,
        "cancel_url": back,
        "help": _("Bấm “Xóa” để xóa hẳn tệp khỏi hoạt động; không hoàn tác được."),
    }
    return render(request, "execution/confirm_delete.html", context)
