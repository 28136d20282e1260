"""A plan's tasks and solutions with their progress (the targets they serve, their
activities, their money) and one task's page. Its "Sao chép sang kỳ mới" button leads to
the plan's one copy page (`kttt.plans.views.plans.plan_copy`)."""

from typing import Any

from django.contrib.auth.decorators import login_required
from django.db.models import Count, Prefetch, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from kttt.access.plans import (
    access_task,
    activities_visible_to,
    asked_plan,
    may_write_any_activity,
    may_write_plan,
    reads_plan_in_full,
)
from kttt.areas.services import AreaError
from kttt.plans import budget
from kttt.plans.evaluation import PlanError, evaluate
from kttt.plans.models import ActivityStatus, BudgetLine, Disbursement, Plan, Target, Task
from kttt.plans.views.common import STATUS_CLASS, evaluation_year, no_plan, plan_context


def target_statuses(request: HttpRequest, plan: Plan) -> dict[str, tuple[str, str]]:
    """{target code: (status label, badge class)} for the evaluation year, only for users
    who may read the plan area's figures; {} when they may not or it cannot be computed."""
    if not reads_plan_in_full(request, plan):
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


@login_required
def task_list(request: HttpRequest) -> HttpResponse:
    plan = asked_plan(request, request.GET.get("plan"))
    if plan is None:
        return no_plan(request, "tasks")
    tasks = list(
        plan.tasks.select_related("responsible").prefetch_related(
            "cooperating", Prefetch("targets", queryset=Target.objects.order_by("order"))
        )
    )
    counts: dict[int, Any] = {
        row["task"]: row
        for row in activities_visible_to(request)
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
        "can_copy": may_write_plan(request, plan),
        "can_add": may_write_any_activity(request),
        "responsibilities": plan.responsibilities.select_related("unit"),
    }
    return render(request, "execution/tasks.html", context)


@login_required
def task_detail(request: HttpRequest, pk: int) -> HttpResponse:
    task = access_task(request, pk)
    plan = task.plan
    task = (
        Task.objects.select_related("responsible", "plan")
        .prefetch_related("cooperating", Prefetch("targets", queryset=Target.objects.all()))
        .get(pk=task.pk)
    )
    visible = activities_visible_to(request)
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
                queryset=Disbursement.objects.select_related(
                    "activity", "reverses", "reversal"
                ).order_by("date", "pk"),
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
        "can_add": may_write_any_activity(request),
    }
    return render(request, "execution/task_detail.html", context)
