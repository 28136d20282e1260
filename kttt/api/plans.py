"""Plans and their execution (issue 10): the plans a user opens, a plan with its targets, a
plan's budget summary, its activities and one activity. Access is decided by the helpers
of the plans' pages (`kttt.access.plans`): a plan the user may not open answers 404, the
targets' status only for who reads the plan in full (as /de-an/<id>/), the activities of
the execution pages (/thuc-hien/) and nothing more."""

import datetime as dt
import re
from decimal import Decimal
from typing import Annotated, Any, Literal

from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from ninja.pagination import paginate
from pydantic import BeforeValidator, Field

from kttt.access.plans import (
    access_activity,
    access_plan,
    activities_visible_to,
    may_write_activity,
    may_write_plan,
    plans_open_to,
    reads_plan_in_full,
)
from kttt.access.registry import entities_visible_to
from kttt.access.scope import scope_of, today
from kttt.api.core import Pages
from kttt.api.figures import ERRORS, Year
from kttt.indicators.definitions import BY_CODE
from kttt.lib.errors import Refusal
from kttt.plans import budget
from kttt.plans.evaluation import evaluate
from kttt.plans.models import Activity, ActivityStatus, Plan, Target
from kttt.plans.queries import plan_area_date

router = Router(tags=["Đề án và thực hiện"])

Id = Annotated[int, Field(ge=1, le=2_147_483_647)]
Number = int | float
OPEN_STATUSES = {ActivityStatus.PLANNED, ActivityStatus.IN_PROGRESS}


class OutsidePeriod(Refusal):
    pass


def number(value: Decimal | None) -> Number | None:
    """A Decimal as a JSON number: 1500 for 1500.000, 46.5 for 46.500."""
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def money(value: Decimal) -> Number:
    return number(value) or 0


def in_period(plan: Plan, year: int) -> int:
    if not plan.start_year <= year <= plan.end_year:
        raise OutsidePeriod(
            _("Năm %(year)s nằm ngoài kỳ của đề án (%(start)s–%(end)s).")
            % {"year": year, "start": plan.start_year, "end": plan.end_year}
        )
    return year


def evaluation_year(plan: Plan) -> int:
    """This year, kept within the plan's period (the plan page's default)."""
    return min(max(today().year, plan.start_year), plan.end_year)


# --- plans --------------------------------------------------------------------------------


class PlanFields(Schema):
    id: int
    name: str
    area_code: str
    area_name: str | None = Field(description="địa bàn đọc tại 31/12 năm đầu của đề án")
    start_year: int
    end_year: int
    baseline_year: int
    decision: str = Field(description="quyết định phê duyệt, như trang đề án ghi")
    in_full: bool = Field(description="người dùng đọc được trạng thái mục tiêu của đề án")
    writable: bool = Field(description="người dùng được sửa đề án, mục tiêu, kinh phí")


class PlanSummaryOut(PlanFields):
    """A plan of the list; its detail (PlanDetailOut) has the same fields and more."""

    @staticmethod
    def resolve_area_name(obj: Plan, context: Any) -> str | None:
        area = scope_of(context["request"]).area_at(obj.area_code, plan_area_date(obj))
        return area.name if area is not None else None

    @staticmethod
    def resolve_decision(obj: Plan) -> str:
        return obj.decision_label

    @staticmethod
    def resolve_in_full(obj: Plan, context: Any) -> bool:
        return reads_plan_in_full(context["request"], obj)

    @staticmethod
    def resolve_writable(obj: Plan, context: Any) -> bool:
        return may_write_plan(context["request"], obj)


class PlanTargetOut(Schema):
    code: str
    description: str
    indicator: str
    indicator_name: str
    unit: str
    kind: str
    comparison: str = Field(description="gt, gte, lt, lte hoặc range")
    value: Number
    value_high: Number | None
    expected_low: Number | None
    expected_high: Number | None
    schedule: str = Field(description="every_year (hằng năm) hoặc end (cuối kỳ)")
    baseline: Number | None = Field(description="giá trị năm cơ sở đã cố định, nếu có")
    status: str | None = Field(description="trạng thái trong năm `year`; null nếu không được đọc")
    status_code: str | None


class PlanDetailOut(PlanFields):
    decision_number: str
    decision_date: dt.date | None
    decision_agency: str
    description: str
    legal_bases: list[str]
    purpose: str
    assessment: str
    general_objective: str
    year: int = Field(description="năm của trạng thái mục tiêu")
    targets: list[PlanTargetOut]
    notes: list[str] = Field(description="ghi chú về địa bàn (so sánh qua thay đổi địa giới)")


def target_row(target: Target, status: dict[str, Any] | None) -> dict[str, Any]:
    indicator = BY_CODE.get(target.indicator)
    return {
        "code": target.code,
        "description": target.description,
        "indicator": target.indicator,
        "indicator_name": str(indicator.name) if indicator else target.indicator,
        "unit": str(indicator.unit) if indicator else "",
        "kind": target.kind,
        "comparison": target.comparison,
        "value": money(target.value),
        "value_high": number(target.value_high),
        "expected_low": number(target.expected_low),
        "expected_high": number(target.expected_high),
        "schedule": target.schedule,
        "baseline": number(target.baseline),
        "status": status["status"] if status else None,
        "status_code": status["status_code"] if status else None,
    }


@router.get("/plans", response={200: list[PlanSummaryOut], **ERRORS}, url_name="plan_list")
@paginate(Pages)
def plan_list(request: HttpRequest) -> QuerySet[Plan]:
    """The plans the user may open (as the list at /de-an/), the latest first."""
    ids = [p.pk for p in plans_open_to(request)]
    return Plan.objects.filter(pk__in=ids).order_by("-start_year", "name", "pk")


@router.get("/plans/{plan_id}", response={200: PlanDetailOut, **ERRORS}, url_name="plan_detail")
def plan_detail(request: HttpRequest, plan_id: Id, year: Year | None = None) -> Any:
    """A plan, its text and its targets. Each target's status in `year` (default: this year
    kept within the plan's period) only for who reads the plan in full; for the others
    (a commune's people in a district plan) `status` is null, as on the plan's page."""
    plan = access_plan(request, plan_id)
    year = in_period(plan, year) if year is not None else evaluation_year(plan)
    statuses: dict[str, dict[str, Any]] = {}
    notes: list[str] = []
    if reads_plan_in_full(request, plan):
        result = evaluate(plan, year)
        statuses = {row["code"]: row for row in result["targets"]}
        notes = result["notes"]
    summary = PlanSummaryOut.from_orm(plan, context={"request": request}).model_dump()
    return summary | {
        "decision_number": plan.decision_number,
        "decision_date": plan.decision_date,
        "decision_agency": plan.decision_agency,
        "description": plan.description,
        "legal_bases": [line.strip() for line in plan.legal_bases.splitlines() if line.strip()],
        "purpose": plan.purpose,
        "assessment": plan.assessment,
        "general_objective": plan.general_objective,
        "year": year,
        "targets": [target_row(t, statuses.get(t.code)) for t in plan.targets.all()],
        "notes": notes,
    }


# --- budget -------------------------------------------------------------------------------


class MoneyOut(Schema):
    requested: Number
    allocated: Number
    disbursed: Number
    remaining: Number = Field(description="đã giao − đã chi")


class BudgetTotalOut(MoneyOut):
    total: Number = Field(description="tổng các nguồn, cả kỳ đề án")
    unallocated: Number = Field(description="tổng − đã giao, cả kỳ đề án")


class BudgetSourceOut(BudgetTotalOut):
    id: int
    name: str


class BudgetTaskOut(MoneyOut):
    id: int
    code: str
    title: str
    kind: str = Field(description="task (nhiệm vụ) hoặc solution (giải pháp)")


class BudgetTaskSourceOut(MoneyOut):
    task_id: int
    task_code: str
    task_title: str
    source_id: int
    source_name: str


class BudgetYearOut(MoneyOut):
    year: int


class BudgetPlanOut(Schema):
    id: int
    name: str
    start_year: int
    end_year: int


class BudgetOut(Schema):
    """The plan's money (III.5) as its budget page shows it, in triệu đồng."""

    plan: BudgetPlanOut
    unit: str
    year: int | None = Field(description="năm được hỏi; null: cả kỳ")
    total: BudgetTotalOut
    by_source: list[BudgetSourceOut]
    by_task: list[BudgetTaskOut]
    by_task_and_source: list[BudgetTaskSourceOut]
    by_year: list[BudgetYearOut]


def flows(m: budget.Money) -> dict[str, Number]:
    return {
        "requested": money(m.requested),
        "allocated": money(m.allocated),
        "disbursed": money(m.disbursed),
        "remaining": money(m.remaining),
    }


def add(into: budget.Money, m: budget.Money) -> None:
    into.requested += m.requested
    into.allocated += m.allocated
    into.disbursed += m.disbursed


@router.get(
    "/plans/{plan_id}/budget", response={200: BudgetOut, **ERRORS}, url_name="budget_summary"
)
def budget_summary(request: HttpRequest, plan_id: Id, year: Year | None = None) -> Any:
    """The plan's money by source, task, task and source, and year: requested, allocated,
    disbursed (payments less reversals) and remaining (allocated − disbursed), from the same
    summary as the budget page (/thuc-hien/kinh-phi/). With `year` (within the plan's
    period) the flows are that year's budget lines and their payments only; a source's
    `total` and `unallocated` stay those of the whole period."""
    plan = access_plan(request, plan_id)
    if year is not None:
        in_period(plan, year)
    summary = budget.summary(plan)
    sources = {s.pk: s for s in summary.by_source}
    tasks = {t.pk: t for t in summary.by_task}
    by_source = {pk: budget.Money(total=s.total) for pk, s in sources.items()}
    by_task = {pk: budget.Money() for pk in tasks}
    by_pair: dict[tuple[int, int], budget.Money] = {}
    by_year: dict[int, budget.Money] = {}
    total = budget.Money(total=summary.total.total)
    for (task_id, source_id, line_year), m in sorted(summary.by_task_source_year.items()):
        if year is not None and line_year != year:
            continue
        for bucket in (
            total,
            by_source[source_id],
            by_task[task_id],
            by_pair.setdefault((task_id, source_id), budget.Money()),
            by_year.setdefault(line_year, budget.Money()),
        ):
            add(bucket, m)
    # What is left to allocate is the period's, whatever the year asked.
    period_unallocated = {s.pk: s.total - m.allocated for s, m in summary.by_source.items()}
    task_order = list(tasks)
    source_order = list(sources)
    return {
        "plan": {
            "id": plan.pk,
            "name": plan.name,
            "start_year": plan.start_year,
            "end_year": plan.end_year,
        },
        "unit": "triệu đồng",
        "year": year,
        "total": flows(total)
        | {
            "total": money(summary.total.total),
            "unallocated": money(summary.total.total - summary.total.allocated),
        },
        "by_source": [
            {"id": pk, "name": sources[pk].name, "total": money(sources[pk].total)}
            | {"unallocated": money(period_unallocated[pk])}
            | flows(m)
            for pk, m in by_source.items()
        ],
        "by_task": [
            {"id": pk, "code": tasks[pk].code, "title": tasks[pk].title, "kind": tasks[pk].kind}
            | flows(m)
            for pk, m in by_task.items()
        ],
        "by_task_and_source": [
            {
                "task_id": task_id,
                "task_code": tasks[task_id].code,
                "task_title": tasks[task_id].title,
                "source_id": source_id,
                "source_name": sources[source_id].name,
            }
            | flows(m)
            for (task_id, source_id), m in sorted(
                by_pair.items(),
                key=lambda item: (task_order.index(item[0][0]), source_order.index(item[0][1])),
            )
        ],
        "by_year": [{"year": y} | flows(m) for y, m in sorted(by_year.items())],
    }


# --- activities ---------------------------------------------------------------------------

Status = Literal["planned", "in_progress", "done", "cancelled"]


def iso_date_only(value: Any) -> Any:
    """YYYY-MM-DD and nothing else: pydantic would also read "0" or "1735689600" as a
    count of seconds since 1970."""
    if isinstance(value, str) and not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", value):
        raise ValueError("YYYY-MM-DD")
    return value


IsoDate = Annotated[dt.date, BeforeValidator(iso_date_only)]


class ActivityFilter(Schema):
    status: Status | None = Field(None, description="planned, in_progress, done, cancelled")
    unit: Id | None = Field(None, description="mã (id) đơn vị thực hiện")
    task: Id | None = Field(None, description="mã (id) nhiệm vụ, giải pháp")
    due_before: IsoDate | None = Field(
        None, description="chỉ hoạt động có hạn (ngày kết thúc) trước ngày này (YYYY-MM-DD)"
    )


class ActivityFields(Schema):
    id: int
    title: str
    kind: str
    kind_label: str
    status: str
    status_label: str
    plan_id: int
    task_id: int
    task_code: str
    task_title: str
    unit_id: int
    unit_name: str
    start_date: dt.date
    end_date: dt.date = Field(description="ngày kết thúc, tức hạn của hoạt động")
    overdue: bool = Field(description="chưa hoàn thành, chưa hủy, đã quá hạn (trước hôm nay)")
    place: str
    url: str = Field(description="trang của hoạt động")


class ActivityOut(ActivityFields):
    """An activity of the list; its detail (ActivityDetailOut) has these fields and more."""

    @staticmethod
    def resolve_kind_label(obj: Activity) -> str:
        return str(obj.get_kind_display())

    @staticmethod
    def resolve_status_label(obj: Activity) -> str:
        return str(obj.get_status_display())

    @staticmethod
    def resolve_plan_id(obj: Activity) -> int:
        return obj.task.plan_id

    @staticmethod
    def resolve_task_code(obj: Activity) -> str:
        return obj.task.code

    @staticmethod
    def resolve_task_title(obj: Activity) -> str:
        return obj.task.title

    @staticmethod
    def resolve_unit_name(obj: Activity) -> str:
        return obj.unit.name

    @staticmethod
    def resolve_overdue(obj: Activity) -> bool:
        return obj.status in OPEN_STATUSES and obj.end_date < today()

    @staticmethod
    def resolve_url(obj: Activity) -> str:
        return reverse("execution:activity_detail", args=[obj.pk])


class CooperativeRefOut(Schema):
    code: str
    name: str


class EvidenceOut(Schema):
    id: int
    name: str
    content_type: str
    size: int
    uploaded_at: dt.datetime
    url: str = Field(description="tải tệp từ trang hoạt động (phiên đăng nhập web)")


class PaymentOut(Schema):
    id: int
    date: dt.date
    amount: Number = Field(description="triệu đồng; âm với bút toán hủy")
    document: str
    source_name: str
    reverses_id: int | None


class ActivityDetailOut(ActivityFields):
    participants: int | None
    participants_coop: int | None
    cost: Number | None = Field(description="kinh phí, triệu đồng")
    fund_source: str | None
    result: str
    cooperatives: list[CooperativeRefOut] = Field(
        description="HTX được hỗ trợ mà người dùng được xem"
    )
    hidden_cooperatives: int = Field(description="số HTX được hỗ trợ ngoài phạm vi người dùng")
    evidence: list[EvidenceOut]
    payments: list[PaymentOut]
    writable: bool
    updated_at: dt.datetime


@router.get(
    "/plans/{plan_id}/activities",
    response={200: list[ActivityOut], **ERRORS},
    url_name="activity_list",
)
@paginate(Pages)
def activity_list(
    request: HttpRequest, plan_id: Id, filters: Query[ActivityFilter]
) -> QuerySet[Activity]:
    """The plan's activities the user sees on the execution pages (the whole plan for who
    reads it in full; otherwise those of its own unit and of the communes of its area), the
    latest start first. `due_before`: the deadline (end date) strictly before that day."""
    plan = access_plan(request, plan_id)
    rows = activities_visible_to(request).filter(task__plan=plan)
    if filters.status:
        rows = rows.filter(status=filters.status)
    if filters.unit:
        rows = rows.filter(unit_id=filters.unit)
    if filters.task:
        rows = rows.filter(task_id=filters.task)
    if filters.due_before:
        rows = rows.filter(end_date__lt=filters.due_before)
    return rows.select_related("task", "unit").order_by("-start_date", "-pk")


@router.get(
    "/activities/{activity_id}",
    response={200: ActivityDetailOut, **ERRORS},
    url_name="activity_detail",
)
def activity_detail(request: HttpRequest, activity_id: Id) -> Any:
    """One activity as its page shows it: the cooperatives supported (only those the user
    may see, with the number of the others), its evidence files and its payments."""
    activity = access_activity(request, activity_id)
    supported = list(activity.cooperatives.order_by("sort_name", "code"))
    visible = set(
        entities_visible_to(request)
        .filter(pk__in=[e.pk for e in supported])
        .values_list("pk", flat=True)
    )
    base = ActivityOut.from_orm(activity, context={"request": request}).model_dump()
    return base | {
        "participants": activity.participants,
        "participants_coop": activity.participants_coop,
        "cost": number(activity.cost),
        "fund_source": activity.fund_source.name if activity.fund_source else None,
        "result": activity.result,
        "cooperatives": [{"code": e.code, "name": e.name} for e in supported if e.pk in visible],
        "hidden_cooperatives": len(supported) - len(visible),
        "evidence": [
            {
                "id": f.pk,
                "name": f.original_name,
                "content_type": f.content_type,
                "size": f.size,
                "uploaded_at": f.uploaded_at,
                "url": reverse("execution:evidence_download", args=[activity.pk, f.pk]),
            }
            for f in activity.evidence.all()
        ],
        "payments": [
            {
                "id": d.pk,
                "date": d.date,
                "amount": money(d.amount),
                "document": d.document,
                "source_name": d.line.source.name,
                "reverses_id": d.reverses_id,
            }
            for d in activity.disbursements.select_related("line__source").order_by("date", "pk")
        ],
        "writable": may_write_activity(request, activity),
        "updated_at": activity.updated_at,
    }
