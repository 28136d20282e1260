"""Plan execution pages: tasks and their progress, activities with evidence files, the
budget, enterprise links and "Việc của tôi".

Thin on purpose: a form reads the input, `kttt.plans.access` fetches the object (404 for
what the user may not see, 403 for a write it may not do), a service writes
(`kttt.plans.activities`, `kttt.plans.budget`, `kttt.plans.copying`), and a refusal comes
back as a form error with status 400.
"""

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Min, Prefetch, Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from kttt.accounts.access import REGISTRY_WRITERS, access_entity_by_code, require, today
from kttt.areas.services import AreaError
from kttt.plans import access, activities, budget, copying
from kttt.plans.evaluation import PlanError, evaluate
from kttt.plans.forms_execution import (
    ActivityForm,
    CopyStructureForm,
    DisbursementForm,
    EvidenceForm,
    LineForm,
    LinkFilterForm,
    LinkForm,
    SourceForm,
)
from kttt.plans.models import (
    Activity,
    ActivityStatus,
    BudgetLine,
    Disbursement,
    EnterpriseLink,
    Plan,
    Target,
    Task,
)
from kttt.registry.models import Entity
from kttt.registry.queries import search
from kttt.web import saved

# Badge colours of a target's status, as on the plan's page.
STATUS_CLASS = {
    "achieved": "ok",
    "not_achieved": "bad",
    "no_data": "",
    "on_track": "info",
    "behind": "warn",
}
DUE_DAYS = 30
OPEN = ~Q(status__in=[ActivityStatus.DONE, ActivityStatus.CANCELLED])


def status_of(form: Any) -> int:
    return 400 if form.is_bound and form.errors else 200


def evaluation_year(plan: Plan) -> int:
    """This year, kept within the plan's period."""
    return min(max(today().year, plan.start_year), plan.end_year)


def target_statuses(request: HttpRequest, plan: Plan) -> dict[str, tuple[str, str]]:
    """{target code: (status label, badge class)} for the evaluation year, only for users
    who may read the plan area's figures; {} when they may not or it cannot be computed."""
    if not access.reads_plan_in_full(request, plan):
        return {}
    try:
        result = evaluate(plan, evaluation_year(plan))
    except (PlanError, AreaError):
        return {}
    return {
        row["code"]: (row["status"], STATUS_CLASS.get(row["status_code"], ""))
        for row in result["targets"]
    }


def served(task: Task, statuses: dict[str, tuple[str, str]]) -> list[dict[str, Any]]:
    rows = []
    for target in task.targets.all():
        label, css = statuses.get(target.code, ("", ""))
        rows.append({"target": target, "status": label, "status_class": css})
    return rows


def plan_context(request: HttpRequest, plan: Plan, tab: str) -> dict[str, Any]:
    return {
        "plan": plan,
        "plans": access.plans_open_to(request),
        "tab": tab,
        "full": access.reads_plan_in_full(request, plan),
        "has_work_unit": access.has_work_unit(request),
    }


def no_plan(request: HttpRequest, tab: str) -> HttpResponse:
    return render(
        request,
        "execution/no_plan.html",
        {"tab": tab, "has_work_unit": access.has_work_unit(request)},
    )


# --- tasks and their progress ---------------------------------------------------------


@login_required
def task_list(request: HttpRequest) -> HttpResponse:
    plan = access.access_plan(request, request.GET.get("plan"))
    if plan is None:
        return no_plan(request, "tasks")
    tasks = list(
        plan.tasks.select_related("responsible").prefetch_related(
            "cooperating", Prefetch("targets", queryset=Target.objects.order_by("order"))
        )
    )
    counts: dict[int, Any] = {
        row["task"]: row
        for row in access.activities_visible_to(request)
        .filter(task__plan=plan)
        .values("task")
        .annotate(
            done=Count("pk", filter=Q(status=ActivityStatus.DONE)),
            planned=Count("pk", filter=~Q(status=ActivityStatus.CANCELLED)),
        )
    }
    money = budget.summary(plan)
    statuses = target_statuses(request, plan)
    rows: list[dict[str, Any]] = [
        {
            "task": task,
            "done": counts.get(task.pk, {}).get("done", 0),
            "planned": counts.get(task.pk, {}).get("planned", 0),
            "money": money.by_task.get(task, budget.Money()),
            "targets": served(task, statuses),
        }
        for task in tasks
    ]
    context = plan_context(request, plan, "tasks") | {
        "groups": [
            (_("Nhiệm vụ"), [r for r in rows if r["task"].kind == Task.Kind.TASK]),
            (_("Giải pháp"), [r for r in rows if r["task"].kind == Task.Kind.SOLUTION]),
        ],
        "total": money.total,
        "year": str(evaluation_year(plan)),
        "can_copy": access.may_copy_plan(request, plan),
        "can_add": access.may_write_any_activity(request),
        "responsibilities": plan.responsibilities.select_related("unit"),
    }
    return render(request, "execution/tasks.html", context)


@login_required
def task_detail(request: HttpRequest, pk: int) -> HttpResponse:
    task = access.access_task(request, pk)
    plan = task.plan
    task = (
        Task.objects.select_related("responsible", "plan")
        .prefetch_related("cooperating", Prefetch("targets", queryset=Target.objects.all()))
        .get(pk=task.pk)
    )
    visible = access.activities_visible_to(request)
    task_activities = list(
        visible.filter(task=task).select_related("unit").order_by("start_date", "pk")
    )
    visible_ids = set(visible.filter(task=task).values_list("pk", flat=True))
    money = budget.summary(plan)
    lines = list(
        BudgetLine.objects.filter(task=task)
        .select_related("source")
        .prefetch_related(
            Prefetch(
                "disbursements",
                queryset=Disbursement.objects.select_related("activity").order_by("date", "pk"),
            )
        )
        .order_by("source__order", "source__name", "year")
    )
    line_rows = [
        (line, money.by_task_source_year.get((task.pk, line.source_id, line.year), budget.Money()))
        for line in lines
    ]
    # The activity of a payment is named only to those who may see it.
    payments = sorted(
        (
            (d, line, d.activity if d.activity_id in visible_ids else None)
            for line in lines
            for d in line.disbursements.all()
        ),
        key=lambda row: (row[0].date, row[0].pk),
    )
    context = plan_context(request, plan, "tasks") | {
        "task": task,
        "activities": task_activities,
        "targets": served(task, target_statuses(request, plan)),
        "year": str(evaluation_year(plan)),
        "lines": line_rows,
        "payments": payments,
        "money": money.by_task.get(task, budget.Money()),
        "can_add": access.may_write_any_activity(request),
    }
    return render(request, "execution/task_detail.html", context)


# --- activities -----------------------------------------------------------------------


def activity_form_page(
    request: HttpRequest, form: ActivityForm, *, title: str, cancel_url: str
) -> HttpResponse:
    context = {"form": form, "title": title, "cancel_url": cancel_url, "plan": form.plan}
    return render(request, "execution/form.html", context, status=status_of(form))


@login_required
@require_http_methods(["GET", "POST"])
def activity_create(request: HttpRequest) -> HttpResponse:
    require(access.may_write_any_activity(request))
    task = None
    if raw := request.GET.get("task", "").strip():
        if not raw.isdigit():
            raise Http404
        task = access.access_task(request, int(raw))
    plan = task.plan if task else access.access_plan(request, request.GET.get("plan"))
    if plan is None:
        raise Http404
    units = list(access.units_writable_by(request)[:2])
    initial: dict[str, Any] = {"status": ActivityStatus.PLANNED, "task": task}
    if len(units) == 1:
        initial["unit"] = units[0]
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
    activity = access.access_activity(request, pk, write=True)
    form = ActivityForm(
        request.POST or None,
        request=request,
        plan=activity.task.plan,
        activity=activity,
        initial=ActivityForm.initial_of(activity),
    )
    if saved(
        form,
        lambda: activities.save_activity(
            values=form.values(), cooperatives=form.chosen_cooperatives(), activity=activity
        ),
    ):
        messages.success(request, _("Đã lưu hoạt động."))
        return redirect("execution:activity_detail", pk=activity.pk)
    cancel = reverse("execution:activity_detail", args=[activity.pk])
    return activity_form_page(request, form, title=_("Sửa hoạt động"), cancel_url=cancel)


def activity_page(
    request: HttpRequest, activity: Activity, upload: EvidenceForm | None = None
) -> HttpResponse:
    scope = access.rights(request).scope
    supported = list(activity.cooperatives.order_by("sort_name", "code"))
    visible = set(
        scope.visible().filter(pk__in=[e.pk for e in supported]).values_list("pk", flat=True)
    )
    can_write = access.may_write_activity(request, activity)
    context = plan_context(request, activity.task.plan, "tasks") | {
        "activity": activity,
        "cooperatives": [e for e in supported if e.pk in visible],
        "hidden_cooperatives": len(supported) - len(visible),
        "evidence": list(activity.evidence.select_related("uploaded_by")),
        "disbursements": list(
            activity.disbursements.select_related("line__source").order_by("date", "pk")
        ),
        "can_write": can_write,
        "upload": upload or (EvidenceForm() if can_write else None),
    }
    status = status_of(upload) if upload is not None else 200
    return render(request, "execution/activity_detail.html", context, status=status)


@login_required
def activity_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return activity_page(request, access.access_activity(request, pk))


@login_required
@require_POST
def evidence_upload(request: HttpRequest, pk: int) -> HttpResponse:
    activity = access.access_activity(request, pk, write=True)
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
    evidence = access.access_evidence(request, pk, evidence_pk)
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
    evidence = access.access_evidence(request, pk, evidence_pk, write=True)
    back = reverse("execution:activity_detail", args=[pk])
    if request.method == "POST":
        activities.delete_evidence(evidence=evidence)
        messages.success(request, _("Đã xóa tệp minh chứng."))
        return redirect(back)
    what = _("tệp minh chứng “%(name)s”") % {"name": evidence.original_name}
    return render(request, "execution/confirm_delete.html", {"what": what, "cancel_url": back})


# --- budget ---------------------------------------------------------------------------


def budget_page(
    request: HttpRequest, plan: Plan, bound: dict[str, Any] | None = None
) -> HttpResponse:
    can_write = access.may_write_budget(request, plan)
    forms: dict[str, Any] = {}
    if can_write:
        year = evaluation_year(plan)
        on = today() if today().year == year else None
        forms = {
            "source_form": SourceForm(plan=plan),
            "line_form": LineForm(plan=plan, initial={"year": year}),
            "pay_form": DisbursementForm(plan=plan, initial={"year": year, "date": on}),
        } | (bound or {})
    money = budget.summary(plan)
    recent = list(
        Disbursement.objects.filter(line__task__plan=plan)
        .select_related("line__task", "line__source", "activity")
        .order_by("-date", "-pk")[:20]
    )
    context = (
        plan_context(request, plan, "budget")
        | {
            "summary": money,
            "sources": [
                (source, m, m.total - m.allocated) for source, m in money.by_source.items()
            ],
            "unallocated": money.total.total - money.total.allocated,
            "task_rows": [(t, m) for t, m in money.by_task.items() if m.requested or m.allocated],
            "year_rows": [(str(y), m) for y, m in sorted(money.by_year.items())],
            "recent": recent,
            "can_write": can_write,
        }
        | forms
    )
    status = 400 if any(f.is_bound and f.errors for f in (bound or {}).values()) else 200
    return render(request, "execution/budget.html", context, status=status)


def to_budget(plan: Plan, anchor: str = "") -> HttpResponse:
    return redirect(reverse("execution:budget") + f"?plan={plan.pk}{anchor}")


@login_required
def budget_view(request: HttpRequest) -> HttpResponse:
    plan = access.access_plan(request, request.GET.get("plan"))
    if plan is None:
        return no_plan(request, "budget")
    return budget_page(request, plan)


@login_required
@require_POST
def budget_source(request: HttpRequest, plan_pk: int) -> HttpResponse:
    plan = access.access_plan_for_budget(request, plan_pk, write=True)
    form = SourceForm(request.POST, plan=plan)
    if saved(
        form,
        lambda: budget.set_source(
            plan=plan,
            name=form.cleaned_data["name"],
            total=form.cleaned_data["total"],
            source=form.cleaned_data["source"],
        ),
    ):
        messages.success(request, _("Đã lưu nguồn kinh phí."))
        return to_budget(plan, "#nguon")
    return budget_page(request, plan, {"source_form": form})


@login_required
@require_POST
def budget_line(request: HttpRequest, plan_pk: int) -> HttpResponse:
    plan = access.access_plan_for_budget(request, plan_pk, write=True)
    form = LineForm(request.POST, plan=plan)
    if saved(
        form,
        lambda: budget.set_line(
            task=form.cleaned_data["task"],
            source=form.cleaned_data["source"],
            year=form.cleaned_data["year"],
            requested=form.cleaned_data["requested"],
            allocated=form.cleaned_data["allocated"],
        ),
    ):
        messages.success(request, _("Đã lưu dự toán."))
        return to_budget(plan, "#du-toan")
    return budget_page(request, plan, {"line_form": form})


@login_required
@require_POST
def budget_disburse(request: HttpRequest, plan_pk: int) -> HttpResponse:
    plan = access.access_plan_for_budget(request, plan_pk, write=True)
    form = DisbursementForm(request.POST, plan=plan)

    def write() -> None:
        assert form.line is not None  # clean() found it
        budget.disburse(
            line=form.line,
            date=form.cleaned_data["date"],
            amount=form.cleaned_data["amount"],
            document=form.cleaned_data["document"],
            activity=form.cleaned_data["activity"],
            note=form.cleaned_data["note"],
        )

    if saved(form, write):
        messages.success(request, _("Đã ghi nhận khoản chi."))
        return to_budget(plan, "#giai-ngan")
    return budget_page(request, plan, {"pay_form": form})


# --- a new plan from this one's structure ---------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def plan_copy(request: HttpRequest, plan_pk: int) -> HttpResponse:
    plan = access.access_plan(request, plan_pk)
    assert plan is not None
    require(access.may_copy_plan(request, plan))
    length = plan.end_year - plan.start_year
    form = CopyStructureForm(
        request.POST or None,
        initial={
            "start_year": plan.end_year + 1,
            "end_year": plan.end_year + 1 + length,
        },
    )
    created: list[Plan] = []
    if saved(
        form,
        lambda: created.append(
            copying.copy_plan_with_structure(
                plan=plan,
                name=form.cleaned_data["name"],
                start_year=form.cleaned_data["start_year"],
                end_year=form.cleaned_data["end_year"],
            )
        ),
    ):
        new = created[0]
        messages.success(
            request,
            _(
                "Đã tạo đề án mới với %(targets)s mục tiêu, %(tasks)s nhiệm vụ, giải pháp và "
                "%(sources)s nguồn kinh phí; chưa có hoạt động và số tiền nào."
            )
            % {
                "targets": new.targets.count(),
                "tasks": new.tasks.count(),
                "sources": new.fund_sources.count(),
            },
        )
        return redirect(reverse("execution:task_list") + f"?plan={new.pk}")
    context = {
        "form": form,
        "title": _("Tạo đề án mới từ cấu trúc này"),
        "cancel_url": reverse("execution:task_list") + f"?plan={plan.pk}",
        "plan": plan,
        "intro": _(
            "Đề án mới có cùng địa bàn, mục tiêu, nhiệm vụ, giải pháp (với đơn vị chủ trì, "
            "phối hợp) và nguồn kinh phí; không sao chép hoạt động, dự toán và khoản chi."
        ),
    }
    return render(request, "execution/form.html", context, status=status_of(form))


# --- enterprise links -----------------------------------------------------------------


def link_years() -> list[int]:
    """The years a link filter offers: from the first contract to this year."""
    found = EnterpriseLink.objects.aggregate(first=Min("contract_date"))
    this_year = today().year
    first = found["first"].year if found["first"] else this_year
    return list(range(this_year, first - 1, -1))


@login_required
def link_list(request: HttpRequest) -> HttpResponse:
    form = LinkFilterForm(request.GET, years=link_years())
    links = access.links_visible_to(request).select_related("entity")
    if text := form.value("q"):
        links = links.filter(
            Q(entity__in=search(Entity.objects.all(), text))
            | Q(entity__code__icontains=text)
            | Q(enterprise__icontains=text)
            | Q(product__icontains=text)
        )
    if year := form.value("year"):
        links = links.filter(activities.links_in_force(int(year)))
    if form.value("export"):
        links = links.filter(exports_via_ma_lu_thang=True)
    links = links.order_by("entity__sort_name", "-contract_date", "pk")
    values = [v for v in links.values_list("value", flat=True) if v is not None]
    page = Paginator(links, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "query": query.urlencode(),
        "total_value": sum(values, budget.ZERO),
        "tab": "links",
        "has_work_unit": access.has_work_unit(request),
    }
    return render(request, "execution/links.html", context)


def may_write_entity(request: HttpRequest, entity: Entity) -> bool:
    scope = access.rights(request).scope
    return scope.writable(REGISTRY_WRITERS).filter(pk=entity.pk).exists()


@login_required
def entity_links(request: HttpRequest, code: str) -> HttpResponse:
    entity = access_entity_by_code(request, code)
    changes = activities.value_chain_changes(entity)
    derived = {year: flag for year, _old, flag in changes}
    reports = entity.reports.order_by("year").values_list("year", "value_chain")
    context = {
        "entity": entity,
        "links": list(entity.enterprise_links.order_by("-contract_date", "pk")),
        "changes": changes,
        # (year, recorded, derived from the links, differs)
        "rows": [
            (str(year), bool(flag), derived.get(year, bool(flag)), year in derived)
            for year, flag in reports
        ],
        "can_write": may_write_entity(request, entity),
        "tab": "links",
        "has_work_unit": access.has_work_unit(request),
    }
    return render(request, "execution/entity_links.html", context)


def link_form_page(
    request: HttpRequest, form: LinkForm, entity: Entity, title: str
) -> HttpResponse:
    context = {
        "form": form,
        "title": title,
        "entity": entity,
        "cancel_url": reverse("execution:entity_links", args=[entity.code]),
    }
    return render(request, "execution/form.html", context, status=status_of(form))


def to_links(entity: Entity) -> HttpResponse:
    return redirect("execution:entity_links", code=entity.code)


@login_required
@require_http_methods(["GET", "POST"])
def link_create(request: HttpRequest, code: str) -> HttpResponse:
    entity = access_entity_by_code(request, code, write="registry")
    form = LinkForm(request.POST or None)
    if saved(form, lambda: activities.save_link(entity=entity, values=form.values())):
        messages.success(request, _("Đã thêm liên kết."))
        return to_links(entity)
    return link_form_page(request, form, entity, _("Thêm liên kết với doanh nghiệp"))


@login_required
@require_http_methods(["GET", "POST"])
def link_edit(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    link = access.access_link(request, code, pk, write=True)
    initial = {f: getattr(link, f) for f in LinkForm.FIELDS}
    form = LinkForm(request.POST or None, initial=initial)
    if saved(
        form, lambda: activities.save_link(entity=link.entity, values=form.values(), link=link)
    ):
        messages.success(request, _("Đã lưu liên kết."))
        return to_links(link.entity)
    return link_form_page(request, form, link.entity, _("Sửa liên kết với doanh nghiệp"))


@login_required
@require_http_methods(["GET", "POST"])
def link_delete(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    link = access.access_link(request, code, pk, write=True)
    if request.method == "POST":
        activities.delete_link(link=link)
        messages.success(request, _("Đã xóa liên kết."))
        return to_links(link.entity)
    what = _("liên kết với “%(enterprise)s” (%(product)s)") % {
        "enterprise": link.enterprise,
        "product": link.product,
    }
    back = reverse("execution:entity_links", args=[link.entity.code])
    return render(request, "execution/confirm_delete.html", {"what": what, "cancel_url": back})


@login_required
@require_POST
def value_chain_derive(request: HttpRequest, code: str) -> HttpResponse:
    entity = access_entity_by_code(request, code, write="registry")
    years = activities.derive_value_chain(entity=entity, user=request.user)
    if years:
        messages.success(
            request,
            _("Đã cập nhật “Liên kết chuỗi giá trị” theo hợp đồng cho các năm: %(years)s.")
            % {"years": ", ".join(str(y) for y in years)},
        )
    else:
        messages.success(request, _("Số liệu năm đã khớp với các hợp đồng; không có gì thay đổi."))
    return to_links(entity)


# --- Việc của tôi ---------------------------------------------------------------------


@login_required
def my_work(request: HttpRequest) -> HttpResponse:
    on = today()
    mine = access.my_activities(request).filter(OPEN).select_related("task", "unit")
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
        "has_work_unit": access.has_work_unit(request),
        "can_add": access.may_write_any_activity(request),
        "units": access.my_units(request),
    }
    return render(request, "execution/my_work.html", context)
