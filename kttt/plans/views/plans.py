"""Plan pages: the list, a plan's targets evaluated for a year (DOMAIN.md §5), and the
forms that enter a plan without code and copy it to a new period.

Who may open a plan, read its targets' status and write it is decided by
`kttt.access.plans` (another area's plan answers 404, a role that may not write gets 403).
Every write goes through `kttt.plans.services`.
"""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from kttt.access.plans import access_plan, may_write_plan, plans_open_to, reads_plan_in_full
from kttt.access.scope import require, scope_of, today
from kttt.areas.services import AreaError
from kttt.indicators.definitions import BY_CODE
from kttt.lib.numbers import format_number
from kttt.plans import services
from kttt.plans.evaluation import PlanError, evaluate, statuses_by_year
from kttt.plans.forms.plans import CopyPlanForm, PlanForm, PlanTextForm
from kttt.plans.models import Comparison, Plan, Target
from kttt.plans.queries import plan_area_date
from kttt.plans.text import plan_text
from kttt.plans.views.common import STATUS_CLASS, form_page, guard_of, to_plan
from kttt.web import is_partial, saved


def unit_of(target: Target) -> str:
    indicator = BY_CODE.get(target.indicator)
    return str(indicator.unit) if indicator else ""


def target_text(target: Target) -> str:
    """ "> 50 %", "≥ 1 HTX", "7–10 %"."""
    unit = unit_of(target)
    if target.comparison == Comparison.RANGE and target.value_high is not None:
        return f"{format_number(target.value, 3)}–{format_number(target.value_high, 3)} {unit}"
    sign = Comparison(target.comparison).label
    return f"{sign} {format_number(target.value, 3)} {unit}"


def expected_text(target: Target) -> str:
    if target.expected_low is None or target.expected_high is None:
        return ""
    low, high = format_number(target.expected_low, 3), format_number(target.expected_high, 3)
    span = low if low == high else f"{low}–{high}"
    return _("mong đợi %(span)s %(unit)s") % {"span": span, "unit": unit_of(target)}


# --- reading ----------------------------------------------------------------------------


@login_required
def plan_list(request: HttpRequest) -> HttpResponse:
    scope = scope_of(request)
    rows = []
    for plan in plans_open_to(request):
        rows.append(
            {
                "plan": plan,
                "area": scope.area_at(plan.area_code, plan_area_date(plan)),
                "writable": may_write_plan(request, plan),
            }
        )
    context = {"rows": rows, "can_create": scope.can_write_plans()}
    return render(request, "plans/plan_list.html", context)


def asked_year(request: HttpRequest, plan: Plan) -> int:
    """?year=, by default this year kept within the plan's period. Raises PlanError."""
    raw = request.GET.get("year", "").strip()
    if not raw:
        return min(max(today().year, plan.start_year), plan.end_year)
    if not raw.isdigit() or len(raw) > 4:
        raise PlanError(_("Năm “%(year)s” không hợp lệ.") % {"year": raw[:20]})
    year = int(raw)
    if not plan.start_year <= year <= plan.end_year:
        raise PlanError(
            _("Năm %(year)s nằm ngoài kỳ của đề án (%(start)s–%(end)s).")
            % {"year": year, "start": plan.start_year, "end": plan.end_year}
        )
    return year


def evaluation_context(plan: Plan, year: int, unapproved: bool = False) -> dict[str, Any]:
    result = evaluate(plan, year, include_unapproved=unapproved)
    last = min(today().year, plan.end_year)
    by_year = statuses_by_year(plan, last, include_unapproved=unapproved)
    targets = {t.code: t for t in plan.targets.all()}
    rows = []
    for row in result["targets"]:
        target = targets[row["code"]]
        indicator = BY_CODE.get(target.indicator)
        rows.append(
            {
                **row,
                "target_obj": target,
                "indicator_name": indicator.name if indicator else target.indicator,
                "unit": unit_of(target),
                "target_text": target_text(target),
                "expected_text": expected_text(target),
                "status_class": STATUS_CLASS.get(row["status_code"], ""),
                "years": [
                    (status.label, STATUS_CLASS.get(status.code, ""))
                    for _year, status in sorted(by_year.get(target.code, {}).items())
                ],
            }
        )
    return {
        "rows": rows,
        "table_years": [str(y) for y in range(plan.start_year, last + 1)],
        "end_year": str(plan.end_year),
        "notes": result["notes"],
        "unapproved": unapproved,
    }


@login_required
def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    plan = access_plan(request, pk)
    scope = scope_of(request)
    context: dict[str, Any] = {
        "plan": plan,
        "area": scope.area_at(plan.area_code, plan_area_date(plan)),
        "years": [str(y) for y in range(plan.start_year, plan.end_year + 1)],
        "can_write": may_write_plan(request, plan),
        "in_full": reads_plan_in_full(request, plan),
        "text": plan_text(plan),
    }
    status = 200
    try:
        year = asked_year(request, plan)
        context["year"] = str(year)
        if context["in_full"]:  # the targets' status are the plan area's own figures
            unapproved = request.GET.get("chua_duyet") == "1"
            context["unapproved"] = unapproved
            context.update(evaluation_context(plan, year, unapproved))
    except (PlanError, AreaError) as exc:
        context["error"] = str(exc)
        status = 400
    template = "plans/_results.html" if is_partial(request) else "plans/plan_detail.html"
    response = render(request, template, context, status=status)
    patch_vary_headers(response, ["HX-Request"])
    return response


# --- writing ----------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def plan_create(request: HttpRequest) -> HttpResponse:
    scope = scope_of(request)
    require(scope.can_write_plans())
    form = PlanForm(request.POST or None, scope=scope)
    created: list[Plan] = []
    if saved(form, lambda: created.append(services.create_plan(values=form.values()))):
        messages.success(request, _("Đã thêm đề án."))
        return to_plan(created[0])
    return form_page(
        request,
        form,
        title=_("Thêm đề án"),
        help=_(
            "Ghi tên, địa bàn và giai đoạn của đề án; sau khi lưu, thêm mục tiêu và nhiệm vụ ở "
            "trang đề án."
        ),
    )


@login_required
@require_http_methods(["GET", "POST"])
def plan_edit(request: HttpRequest, pk: int) -> HttpResponse:
    plan = access_plan(request, pk, write=True)
    guard = guard_of(plan, PlanForm.initial_of)
    form = PlanForm(request.POST or None, scope=scope_of(request), initial=guard.initial)
    guard.track(form)
    if saved(form, lambda: services.update_plan(plan=plan, values=form.values()), guard=guard):
        messages.success(request, _("Đã lưu đề án."))
        return to_plan(plan)
    return form_page(
        request,
        form,
        title=_("Sửa đề án"),
        plan=plan,
        help=_(
            "Sửa tên, địa bàn, giai đoạn và năm cơ sở của đề án; mục tiêu được đánh giá lại "
            "theo các giá trị mới."
        ),
    )


@login_required
@require_http_methods(["GET", "POST"])
def plan_text_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """The plan's own text: decision, legal bases, sections I, II.3 and III.1."""
    plan = access_plan(request, pk, write=True)
    guard = guard_of(plan, PlanTextForm.initial_of)
    form = guard.track(PlanTextForm(request.POST or None, initial=guard.initial))
    if saved(form, lambda: services.update_plan_text(plan=plan, values=form.values()), guard=guard):
        messages.success(request, _("Đã lưu văn bản đề án."))
        return to_plan(plan)
    intro = _(
        "Văn bản thường, không định dạng: mỗi căn cứ một dòng, các đoạn cách nhau một dòng "
        "trống. Báo cáo tổng kết dùng đúng văn bản này."
    )
    help = _("Phần lời của đề án (quyết định, căn cứ, các mục I, II.3, III.1) in vào báo cáo.")
    return form_page(request, form, title=_("Văn bản đề án"), plan=plan, intro=intro, help=help)


@login_required
@require_http_methods(["GET", "POST"])
def plan_copy(request: HttpRequest, pk: int) -> HttpResponse:
    plan = access_plan(request, pk, write=True)
    scope = scope_of(request)
    form = CopyPlanForm(
        request.POST or None, plan=plan, scope=scope, initial=CopyPlanForm.initial_of(plan)
    )
    created: list[Plan] = []
    if saved(
        form,
        lambda: created.append(
            services.copy_plan(
                plan=plan,
                name=form.cleaned_data["name"],
                start_year=form.cleaned_data["start_year"],
                end_year=form.cleaned_data["end_year"],
                baseline_year=form.cleaned_data["baseline_year"],
                area_code=form.cleaned_data["area_code"],
                decision=form.decision(),
            )
        ),
    ):
        new = created[0]
        message = _(
            "Đã tạo đề án mới với %(targets)s mục tiêu, %(tasks)s nhiệm vụ, giải pháp và "
            "%(sources)s nguồn kinh phí; chưa có hoạt động và số tiền nào. Hãy xem lại "
            "từng mục tiêu."
        ) % {
            "targets": new.targets.count(),
            "tasks": new.tasks.count(),
            "sources": new.fund_sources.count(),
        }
        blank = [t.code for t in new.targets.all() if t.baseline is None]
        if blank:
            message += " " + _(
                "Chưa tính được giá trị năm cơ sở %(year)s của: %(codes)s; hãy nhập tay."
            ) % {"year": new.baseline_year, "codes": ", ".join(blank)}
        messages.success(request, message)
        return to_plan(new)
    intro = _(
        "Đề án mới có cùng mô tả, văn bản đề án (căn cứ, mục I, II.3, III.1), mục tiêu, nhiệm "
        "vụ, giải pháp (với đơn vị chủ trì, phối hợp đang hoạt động) và nguồn kinh phí; không "
        "sao chép hoạt động, dự toán và khoản chi. Giá trị năm cơ sở của mỗi mục tiêu là số "
        "liệu của địa bàn mới tại năm cơ sở (mặc định là năm cuối kỳ trước)."
    )
    title = _("Sao chép đề án sang kỳ mới")
    help = _("Tạo đề án cho giai đoạn sau từ đề án này; đề án cũ giữ nguyên.")
    return form_page(request, form, title=title, plan=plan, intro=intro, help=help)
