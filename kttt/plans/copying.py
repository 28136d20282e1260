"""A new plan made from an old one's structure: the targets (kttt.plans.services.copy_plan),
the tasks and solutions with their units and the targets they serve, and the fund sources
with their totals. Activities, budget lines and disbursements are the old plan's history and
are not copied."""

from django.db import transaction

from kttt.plans.models import FundSource, Plan, Task
from kttt.plans.services import copy_plan


def _shifted(year: int, offset: int, plan: Plan) -> int:
    return min(max(year + offset, plan.start_year), plan.end_year)


@transaction.atomic
def copy_execution_structure(source_plan: Plan, new_plan: Plan) -> None:
    """Copy tasks and solutions (text, units, period moved with the plan, the targets they
    serve found by code in the new plan) and fund sources (names, totals)."""
    offset = new_plan.start_year - source_plan.start_year
    targets = {t.code: t for t in new_plan.targets.all()}
    old_tasks = list(
        source_plan.tasks.prefetch_related("cooperating", "targets").order_by("kind", "order")
    )
    for old in old_tasks:
        start = _shifted(old.start_year, offset, new_plan)
        task = Task.objects.create(
            plan=new_plan,
            kind=old.kind,
            code=old.code,
            title=old.title,
            text=old.text,
            responsible_id=old.responsible_id,
            start_year=start,
            end_year=max(start, _shifted(old.end_year, offset, new_plan)),
            order=old.order,
        )
        task.cooperating.set(old.cooperating.all())
        task.targets.set([targets[t.code] for t in old.targets.all() if t.code in targets])
    FundSource.objects.bulk_create(
        FundSource(plan=new_plan, name=s.name, total=s.total, order=s.order)
        for s in source_plan.fund_sources.all()
    )


@transaction.atomic
def copy_plan_with_structure(*, plan: Plan, name: str, start_year: int, end_year: int) -> Plan:
    """The new plan (same area, targets copied), then its tasks and fund sources, all or
    nothing."""
    new_plan = copy_plan(plan=plan, name=name, start_year=start_year, end_year=end_year)
    copy_execution_structure(plan, new_plan)
    return new_plan
