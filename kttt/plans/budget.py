"""The plan's money (III.5): sources with their totals, each year's request and allocation
per task and source, disbursements, and what remains. Money is Decimal throughout (triệu
đồng, three decimals); every sum on a page, in the CLI and in a report comes from summary().
"""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kttt.lib.errors import Refusal
from kttt.lib.numbers import format_number
from kttt.plans.models import Activity, BudgetLine, Disbursement, FundSource, Plan, Task

ZERO = Decimal("0.000")
MONEY_STEP = Decimal("0.001")


class BudgetError(Refusal):
    """A budget write refused by a rule; the message is Vietnamese."""


def money(value: Decimal | int | str | None, what: str) -> Decimal:
    """An amount in triệu đồng: present, not negative, at most three decimals."""
    if value is None or value == "":
        raise BudgetError(_("Chưa nhập %(what)s.") % {"what": what})
    amount = Decimal(value)
    if amount < 0:
        raise BudgetError(_("%(what)s không được âm.") % {"what": what.capitalize()})
    if amount != amount.quantize(MONEY_STEP):
        raise BudgetError(_("Số tiền chỉ được tối đa 3 chữ số thập phân (triệu đồng)."))
    return amount.quantize(MONEY_STEP)


def _sum(rows: Any, field: str) -> Decimal:
    """An exact sum of money. Added in Python: SQLite's SUM adds decimals as binary floats,
    and a plan has hundreds of budget rows, not millions."""
    return sum(rows.values_list(field, flat=True), ZERO)


def vnd(amount: Decimal) -> str:
    return format_number(amount, 3)


def _in_period(plan: Plan, year: int) -> None:
    if not plan.start_year <= year <= plan.end_year:
        raise BudgetError(
            _("Năm %(year)s nằm ngoài kỳ của đề án (%(start)s–%(end)s).")
            % {"year": year, "start": plan.start_year, "end": plan.end_year}
        )


@transaction.atomic
def set_source(
    *, plan: Plan, name: str, total: Decimal, source: FundSource | None = None
) -> FundSource:
    total = money(total, _("tổng kinh phí"))
    if source is not None:
        allocated = _sum(source.lines, "allocated")
        if total < allocated:
            raise BudgetError(
                _("Tổng nguồn %(name)s không thể nhỏ hơn số đã giao (%(allocated)s triệu đồng).")
                % {"name": source.name, "allocated": vnd(allocated)}
            )
        source.name, source.total = name, total
        source.save(update_fields=["name", "total"])
        return source
    return FundSource.objects.create(
        plan=plan, name=name, total=total, order=plan.fund_sources.count() + 1
    )


@transaction.atomic
def set_line(
    *, task: Task, source: FundSource, year: int, requested: Decimal, allocated: Decimal
) -> BudgetLine:
    """Create or change the request and allocation of a task from a source for a year."""
    if source.plan_id != task.plan_id:
        raise BudgetError(_("Nguồn kinh phí không thuộc đề án của nhiệm vụ."))
    _in_period(task.plan, year)
    requested = money(requested, _("số đề nghị"))
    allocated = money(allocated, _("số giao"))
    # Lock the source's lines so that two officers cannot both allocate the last million.
    FundSource.objects.select_for_update().filter(pk=source.pk).first()
    line = BudgetLine.objects.filter(task=task, source=source, year=year).first()
    others = source.lines.exclude(pk=line.pk) if line is not None else source.lines.all()
    already = _sum(others, "allocated")
    if already + allocated > source.total:
        raise BudgetError(
            _(
                "Giao vượt tổng nguồn %(source)s: tổng %(total)s, đã giao %(already)s, còn có thể "
                "giao %(left)s triệu đồng."
            )
            % {
                "source": source.name,
                "total": vnd(source.total),
                "already": vnd(already),
                "left": vnd(source.total - already),
            }
        )
    if line is not None:
        disbursed = _sum(line.disbursements, "amount")
        if allocated < disbursed:
            raise BudgetError(
                _("Số giao không thể nhỏ hơn số đã chi (%(disbursed)s triệu đồng).")
                % {"disbursed": vnd(disbursed)}
            )
        line.requested, line.allocated = requested, allocated
        line.save(update_fields=["requested", "allocated"])
        return line
    return BudgetLine.objects.create(
        task=task, source=source, year=year, requested=requested, allocated=allocated
    )


@transaction.atomic
def disburse(
    *,
    line: BudgetLine,
    date: dt.date,
    amount: Decimal,
    document: str,
    activity: Activity | None = None,
    note: str = "",
    user: Any = None,
) -> Disbursement:
    """A payment from an allocation, dated in the allocation's year (docs/plan-execution.md)."""
    plan = line.task.plan
    if not dt.date(plan.start_year, 1, 1) <= date <= dt.date(plan.end_year, 12, 31):
        raise BudgetError(
            _("Ngày chi %(date)s nằm ngoài kỳ của đề án (%(start)s–%(end)s).")
            % {"date": date.strftime("%d/%m/%Y"), "start": plan.start_year, "end": plan.end_year}
        )
    if date.year != line.year:
        raise BudgetError(
            _(
                "Ngày chi %(date)s không thuộc năm %(year)s của dự toán: khoản chi phải được "
                "ghi vào dự toán của năm chi."
            )
            % {"date": date.strftime("%d/%m/%Y"), "year": line.year}
        )
    amount = money(amount, _("số tiền"))
    if amount == 0:
        raise BudgetError(_("Số tiền chi phải lớn hơn 0."))
    if not document.strip():
        raise BudgetError(_("Chưa nhập số chứng từ."))
    if activity is not None and activity.task_id != line.task_id:
        raise BudgetError(_("Hoạt động không thuộc nhiệm vụ của dự toán này."))
    BudgetLine.objects.select_for_update().filter(pk=line.pk).first()
    spent = _sum(line.disbursements, "amount")
    if spent + amount > line.allocated:
        raise BudgetError(
            _("Chi vượt số đã giao: giao %(allocated)s, đã chi %(spent)s, còn %(left)s triệu đồng.")
            % {
                "allocated": vnd(line.allocated),
                "spent": vnd(spent),
                "left": vnd(line.allocated - spent),
            }
        )
    return Disbursement.objects.create(
        line=line,
        date=date,
        amount=amount,
        document=document.strip(),
        activity=activity,
        note=note,
        created_at=timezone.now(),
        created_by=user,
    )


@transaction.atomic
def reverse(
    *, payment: Disbursement, date: dt.date, reason: str, document: str = "", user: Any = None
) -> Disbursement:
    """Cancel a payment by an entry of the opposite amount linked to it: the payment stays
    in the books, the totals drop by its amount, exactly. A payment is reversed at most once
    and a reversal is never reversed; the reversal is dated on or after the payment, in the
    same allocation year."""
    payment = Disbursement.objects.select_for_update().select_related("line").get(pk=payment.pk)
    if payment.is_reversal:
        raise BudgetError(_("Đây là bút toán hủy; không thể hủy một bút toán hủy."))
    if Disbursement.objects.filter(reverses=payment).exists():
        raise BudgetError(_("Khoản chi này đã được hủy."))
    if not reason.strip():
        raise BudgetError(_("Chưa nhập lý do hủy khoản chi."))
    if date < payment.date:
        raise BudgetError(
            _("Ngày hủy %(date)s trước ngày chi %(paid)s.")
            % {"date": date.strftime("%d/%m/%Y"), "paid": payment.date.strftime("%d/%m/%Y")}
        )
    if date.year != payment.line.year:
        raise BudgetError(
            _(
                "Ngày hủy %(date)s không thuộc năm %(year)s của dự toán: bút toán hủy phải "
                "nằm trong năm của khoản chi."
            )
            % {"date": date.strftime("%d/%m/%Y"), "year": payment.line.year}
        )
    return Disbursement.objects.create(
        line=payment.line,
        date=date,
        amount=-payment.amount,
        document=document.strip() or payment.document,
        activity=payment.activity,
        note="",
        reverses=payment,
        reason=reason.strip(),
        created_at=timezone.now(),
        created_by=user,
    )


@dataclass
class Money:
    total: Decimal = ZERO  # a source's total (sources only)
    requested: Decimal = ZERO
    allocated: Decimal = ZERO
    disbursed: Decimal = ZERO

    @property
    def remaining(self) -> Decimal:
        """Allocated and not yet paid out."""
        return self.allocated - self.disbursed

    def as_json(self, with_total: bool = False) -> dict[str, str]:
        data = {
            "requested": str(self.requested),
            "allocated": str(self.allocated),
            "disbursed": str(self.disbursed),
            "remaining": str(self.remaining),
        }
        if with_total:
            data = {
                "total": str(self.total),
                **data,
                "unallocated": str(self.total - self.allocated),
            }
        return data


@dataclass
class Summary:
    plan: Plan
    total: Money = field(default_factory=Money)
    by_source: dict[FundSource, Money] = field(default_factory=dict)
    by_task: dict[Task, Money] = field(default_factory=dict)
    by_year: dict[int, Money] = field(default_factory=dict)
    by_task_source_year: dict[tuple[int, int, int], Money] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        """Money as decimal strings ("1500.000"): exact, whatever reads it."""
        return {
            "plan": {
                "id": self.plan.pk,
                "name": self.plan.name,
                "start_year": self.plan.start_year,
                "end_year": self.plan.end_year,
            },
            "unit": "triệu đồng",
            "total": self.total.as_json(with_total=True),
            "by_source": [
                {"source": s.name, **m.as_json(with_total=True)} for s, m in self.by_source.items()
            ],
            "by_task": [
                {"task": t.code, "title": t.title, **m.as_json()} for t, m in self.by_task.items()
            ],
            "by_year": [{"year": y, **m.as_json()} for y, m in sorted(self.by_year.items())],
        }


def summary(plan: Plan) -> Summary:
    """Totals, allocations, disbursements and remaining by source, task and year, in three
    queries whatever the number of lines."""
    result = Summary(plan)
    sources = list(plan.fund_sources.all())
    tasks = list(plan.tasks.all())
    for s in sources:
        result.by_source[s] = Money(total=s.total)
        result.total.total += s.total
    for t in tasks:
        result.by_task[t] = Money()
    source_by_id = {s.pk: s for s in sources}
    task_by_id = {t.pk: t for t in tasks}
    spent: dict[int, Decimal] = defaultdict(lambda: ZERO)
    # Added in Python, exactly: SQLite's SUM adds decimals as binary floats.
    for line_id, amount in Disbursement.objects.filter(line__task__plan=plan).values_list(
        "line", "amount"
    ):
        spent[line_id] += amount
    for line in BudgetLine.objects.filter(task__plan=plan):
        paid = spent[line.pk]
        buckets = [
            result.total,
            result.by_source[source_by_id[line.source_id]],
            result.by_task[task_by_id[line.task_id]],
            result.by_year.setdefault(line.year, Money()),
            result.by_task_source_year.setdefault(
                (line.task_id, line.source_id, line.year), Money()
            ),
        ]
        for bucket in buckets:
            bucket.requested += line.requested
            bucket.allocated += line.allocated
            bucket.disbursed += paid
    return result
