"""A plan's budget: fund sources, each task's yearly request and allocation, payments."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from kttt.access.plans import access_disbursement, access_plan, asked_plan, may_write_plan
from kttt.access.scope import today
from kttt.lib.errors import Refusal
from kttt.plans import budget
from kttt.plans.forms.budget import DisbursementForm, LineForm, ReversalForm, SourceForm
from kttt.plans.models import BudgetLine, Disbursement, FundSource, Plan
from kttt.plans.views.common import evaluation_year, no_plan, plan_context
from kttt.web import saved
from kttt.web.versions import version_of


def budget_version(plan: Plan) -> str:
    """The version of what the budget page shows of a plan's sources and allocations (its
    tables): the source and allocation forms set absolute values read off them."""
    return version_of(
        {
            "sources": list(
                FundSource.objects.filter(plan=plan).values_list("pk", "name", "total")
            ),
            "lines": list(
                BudgetLine.objects.filter(task__plan=plan).values_list(
                    "pk", "task", "source", "year", "requested", "allocated"
                )
            ),
        }
    )


def unchanged(form: Any, plan: Plan, write: Any) -> Any:
    """`write`, unless the plan's budget changed since the page the form came from was shown:
    checked and written in one transaction, the plan's sources locked first. A form without
    a version (a page older than this check) is written."""

    def checked() -> object:
        with transaction.atomic():
            list(FundSource.objects.select_for_update().filter(plan=plan).values_list("pk"))
            seen = form.cleaned_data.get("seen")
            if seen and seen != budget_version(plan):
                form.conflict = True
                raise Refusal(
                    _(
                        "Dự toán kinh phí của đề án vừa được người khác thay đổi sau khi bạn mở "
                        "trang; các bảng trên trang đã hiện số mới. Những gì bạn nhập vẫn còn: "
                        "kiểm tra rồi bấm Lưu lại để ghi."
                    )
                )
            return write()

    return checked


def budget_page(
    request: HttpRequest, plan: Plan, bound: dict[str, Any] | None = None
) -> HttpResponse:
    can_write = may_write_plan(request, plan)
    forms: dict[str, Any] = {}
    if can_write:
        year = evaluation_year(plan)
        on = today() if today().year == year else None
        seen = budget_version(plan)
        forms = {
            "source_form": SourceForm(plan=plan, initial={"seen": seen}),
            "line_form": LineForm(plan=plan, initial={"year": year, "seen": seen}),
            "pay_form": DisbursementForm(plan=plan, initial={"year": year, "date": on}),
        } | (bound or {})
        for form in (bound or {}).values():
            if getattr(form, "conflict", False):  # saving again writes over what is shown now
                form.data = form.data.copy()
                form.data[form.add_prefix("seen")] = seen
    money = budget.summary(plan)
    recent = list(
        Disbursement.objects.filter(line__task__plan=plan)
        .select_related("line__task", "line__source", "activity", "reverses", "reversal")
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
    if any(getattr(f, "conflict", False) for f in (bound or {}).values()):
        status = 409
    return render(request, "execution/budget.html", context, status=status)


def to_budget(plan: Plan, anchor: str = "") -> HttpResponse:
    return redirect(reverse("execution:budget") + f"?plan={plan.pk}{anchor}")


@login_required
def budget_view(request: HttpRequest) -> HttpResponse:
    plan = asked_plan(request, request.GET.get("plan"))
    if plan is None:
        return no_plan(request, "budget")
    return budget_page(request, plan)


@login_required
@require_POST
def budget_source(request: HttpRequest, plan_pk: int) -> HttpResponse:
    plan = access_plan(request, plan_pk, write=True)
    form = SourceForm(request.POST, plan=plan)
    if saved(
        form,
        unchanged(
            form,
            plan,
            lambda: budget.set_source(
                plan=plan,
                name=form.cleaned_data["name"],
                total=form.cleaned_data["total"],
                source=form.cleaned_data["source"],
            ),
        ),
    ):
        messages.success(request, _("Đã lưu nguồn kinh phí."))
        return to_budget(plan, "#nguon")
    return budget_page(request, plan, {"source_form": form})


@login_required
@require_POST
def budget_line(request: HttpRequest, plan_pk: int) -> HttpResponse:
    plan = access_plan(request, plan_pk, write=True)
    form = LineForm(request.POST, plan=plan)
    if saved(
        form,
        unchanged(
            form,
            plan,
            lambda: budget.set_line(
                task=form.cleaned_data["task"],
                source=form.cleaned_data["source"],
                year=form.cleaned_data["year"],
                requested=form.cleaned_data["requested"],
                allocated=form.cleaned_data["allocated"],
            ),
        ),
    ):
        messages.success(request, _("Đã lưu dự toán."))
        return to_budget(plan, "#du-toan")
    return budget_page(request, plan, {"line_form": form})


@login_required
@require_POST
def budget_disburse(request: HttpRequest, plan_pk: int) -> HttpResponse:
    plan = access_plan(request, plan_pk, write=True)
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
            user=request.user,
        )

    if saved(form, write):
        messages.success(request, _("Đã ghi nhận khoản chi."))
        return to_budget(plan, "#giai-ngan")
    return budget_page(request, plan, {"pay_form": form})


@login_required
@require_http_methods(["GET", "POST"])
def budget_reverse(request: HttpRequest, plan_pk: int, pk: int) -> HttpResponse:
    """Cancel a payment by a reversing entry (budget.reverse)."""
    payment = access_disbursement(request, plan_pk, pk, write=True)
    plan = access_plan(request, plan_pk)
    form = ReversalForm(request.POST or None, initial={"date": today()})
    if saved(
        form,
        lambda: budget.reverse(
            payment=payment,
            date=form.cleaned_data["date"],
            reason=form.cleaned_data["reason"],
            document=form.cleaned_data["document"],
            user=request.user,
        ),
    ):
        messages.success(request, _("Đã hủy khoản chi bằng một bút toán hủy."))
        return to_budget(plan, "#khoan-chi")
    payment = (
        Disbursement.objects.select_related("line__task", "line__source", "reversal")
        .filter(pk=payment.pk)
        .get()
    )
    context = plan_context(request, plan, "budget") | {"payment": payment, "form": form}
    return render(request, "execution/reverse.html", context, status=400 if form.is_bound else 200)
