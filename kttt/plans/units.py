"""Implementing units through time (docs/plan-execution.md, "Implementing units through
time").

An implementing unit lives for an interval, like an administrative unit: the district's
offices ended on 30/06/2025 with the district. Ending a unit passes its *open* work to the
successors an administrator names, in one transaction, and records each thing moved
(`UnitTransferItem`) so that `undo_transfer` can put back exactly that. Work already closed
stays where it was done: history is not rewritten.

- Open task: the ended unit leads it or cooperates on it, and the task's period runs past
  the unit's last day (its end year is the year of the next day or later).
- Open activity: the ended unit carries it out, it is neither done nor cancelled, and it
  ends (deadline) after the unit's last day, even if it began before.
- With several successors, everything goes to the first one unless the administrator names
  another successor for a given task or activity (`assignments`).
"""

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kttt.lib.dates import format_date
from kttt.lib.errors import Refusal
from kttt.plans.models import (
    Activity,
    ActivityStatus,
    ImplementingUnit,
    Task,
    UnitTransfer,
    UnitTransferItem,
)

OPEN_STATUSES = (ActivityStatus.PLANNED, ActivityStatus.IN_PROGRESS)
Item = UnitTransferItem.Kind
# How many offending rows a refusal names before it says "and N more".
SHOWN = 5


class UnitError(Refusal):
    """An end, transfer or undo refused by a rule; the message is Vietnamese."""


def _listed(labels: Sequence[str]) -> str:
    shown = ", ".join(labels[:SHOWN])
    if len(labels) > SHOWN:
        shown += _(" và %(n)s mục khác") % {"n": len(labels) - SHOWN}
    return shown


def _activity_label(a: Activity) -> str:
    return f"“{a.title}” ({format_date(a.start_date)} – {format_date(a.end_date)})"


# --- the validity rule -------------------------------------------------------------------------


def inherited(activity: Activity | None, unit: ImplementingUnit) -> bool:
    """Did `unit` receive this activity through a transfer still in force? Such an activity
    may have begun before the unit did: its predecessor began it."""
    if activity is None or activity.pk is None or activity.unit_id != unit.pk:
        return False
    return UnitTransferItem.objects.filter(
        activity=activity, to_unit=unit, transfer__undone_at__isnull=True
    ).exists()


def check_activity_unit(
    *, unit: ImplementingUnit, start: dt.date, end: dt.date, activity: Activity | None = None
) -> None:
    """No activity is assigned to a unit outside its validity. The activity's whole span,
    from its start to its end date (the deadline, or the day it was finished), must lie
    within the unit's interval; an activity finished before the unit ended records that day
    as its end date. The one exception: an activity passed to the unit by a transfer may
    have started before the unit began."""
    if unit.valid_to is not None and end > unit.valid_to:
        raise UnitError(
            _(
                "%(unit)s chỉ hoạt động đến hết ngày %(last)s; hoạt động kết thúc ngày "
                "%(end)s. Hãy chọn đơn vị đã nhận việc của đơn vị này, hoặc, nếu hoạt động "
                "đã xong trước đó, ghi ngày kết thúc là ngày hoàn thành."
            )
            % {"unit": unit.name, "last": format_date(unit.valid_to), "end": format_date(end)}
        )
    if unit.valid_from is not None and (
        end < unit.valid_from or (start < unit.valid_from and not inherited(activity, unit))
    ):
        raise UnitError(
            _(
                "%(unit)s hoạt động từ ngày %(first)s; hoạt động bắt đầu ngày %(start)s, "
                "trước khi đơn vị được thành lập."
            )
            % {
                "unit": unit.name,
                "first": format_date(unit.valid_from),
                "start": format_date(start),
            }
        )


# --- ending a unit -------------------------------------------------------------------------------


def open_tasks(unit: ImplementingUnit, last_day: dt.date) -> tuple[list[Task], list[Task]]:
    """(tasks the unit leads, tasks it cooperates on) whose period runs past `last_day`."""
    first_open_year = (last_day + dt.timedelta(days=1)).year
    tasks = Task.objects.filter(end_year__gte=first_open_year).order_by("plan", "order", "pk")
    return (
        list(tasks.filter(responsible=unit)),
        list(tasks.filter(cooperating=unit)),
    )


def _successor_of(
    thing: Task | Activity,
    successors: Sequence[ImplementingUnit],
    assignments: Mapping[Any, ImplementingUnit],
) -> ImplementingUnit:
    return assignments.get((type(thing), thing.pk), successors[0])


def _check_end(
    unit: ImplementingUnit, last_day: dt.date, successors: Sequence[ImplementingUnit]
) -> None:
    if not successors:
        raise UnitError(_("Cần chỉ định ít nhất một đơn vị nhận việc."))
    if unit.valid_to is not None:
        raise UnitError(
            _("%(unit)s đã kết thúc ngày %(last)s.")
            % {"unit": unit.name, "last": format_date(unit.valid_to)}
        )
    if unit.valid_from is not None and last_day < unit.valid_from:
        raise UnitError(
            _("Ngày kết thúc %(last)s trước ngày %(unit)s bắt đầu hoạt động (%(first)s).")
            % {
                "last": format_date(last_day),
                "unit": unit.name,
                "first": format_date(unit.valid_from),
            }
        )
    first_day = last_day + dt.timedelta(days=1)
    for successor in successors:
        if successor.pk == unit.pk:
            raise UnitError(_("Đơn vị kết thúc không thể tự nhận việc của mình."))
        if not successor.is_valid_at(first_day):
            raise UnitError(
                _("Đơn vị nhận %(unit)s không hoạt động vào ngày %(day)s.")
                % {"unit": successor.name, "day": format_date(first_day)}
            )


@transaction.atomic
def end_unit(
    *,
    unit: ImplementingUnit,
    date: dt.date,
    successors: Sequence[ImplementingUnit],
    user: Any = None,
    assignments: Mapping[Task | Activity, ImplementingUnit] | None = None,
    source: str = "",
    note: str = "",
) -> UnitTransfer:
    """End `unit` on `date` (its last day) and pass its open work to `successors`: the first
    gets everything but what `assignments` gives to another of them. Refused, with nothing
    written, when the unit has closed work (done or cancelled activities) after that day:
    those are someone's mistake to correct first, not work to hand over."""
    unit = ImplementingUnit.objects.select_for_update().get(pk=unit.pk)
    successors = list(dict.fromkeys(successors))
    _check_end(unit, date, successors)
    chosen = {(type(k), k.pk): v for k, v in (assignments or {}).items()}
    for receiver in chosen.values():
        if receiver not in successors:
            raise UnitError(
                _("%(unit)s không nằm trong các đơn vị nhận việc.") % {"unit": receiver.name}
            )
    later = Activity.objects.filter(unit=unit, end_date__gt=date).order_by("start_date", "pk")
    closed = [a for a in later if a.status not in OPEN_STATUSES]
    if closed:
        raise UnitError(
            _(
                "%(unit)s còn hoạt động đã hoàn thành hoặc đã hủy kết thúc sau ngày %(last)s: "
                "%(list)s. Việc đã đóng không chuyển giao được: hãy sửa ngày kết thúc (ngày "
                "hoàn thành) hoặc đơn vị của các hoạt động này trước."
            )
            % {
                "unit": unit.name,
                "last": format_date(date),
                "list": _listed([_activity_label(a) for a in closed]),
            }
        )
    activities = [a for a in later if a.status in OPEN_STATUSES]
    led, helped = open_tasks(unit, date)
    moving = {(Task, t.pk) for t in led + helped} | {(Activity, a.pk) for a in activities}
    stray = [key for key in chosen if key not in moving]
    if stray:
        raise UnitError(
            _("Việc được chỉ định không thuộc phần việc đang mở của %(unit)s.")
            % {"unit": unit.name}
        )
    for a in activities:
        receiver = _successor_of(a, successors, chosen)
        if receiver.valid_to is not None and a.end_date > receiver.valid_to:
            raise UnitError(
                _("%(unit)s kết thúc ngày %(last)s, trước hạn của hoạt động %(activity)s.")
                % {
                    "unit": receiver.name,
                    "last": format_date(receiver.valid_to),
                    "activity": _activity_label(a),
                }
            )

    transfer = UnitTransfer.objects.create(
        unit=unit,
        ended_on=date,
        source=source,
        note=note,
        created_by=user if getattr(user, "pk", None) else None,
    )
    transfer.successors.set(successors)
    items: list[UnitTransferItem] = []
    for task in led:
        receiver = _successor_of(task, successors, chosen)
        task.responsible = receiver
        task.save(update_fields=["responsible"])
        items.append(
            UnitTransferItem(transfer=transfer, kind=Item.LEAD, task=task, to_unit=receiver)
        )
    for task in helped:
        receiver = _successor_of(task, successors, chosen)
        added = not task.cooperating.filter(pk=receiver.pk).exists()
        task.cooperating.remove(unit)
        task.cooperating.add(receiver)
        items.append(
            UnitTransferItem(
                transfer=transfer, kind=Item.COOPERATING, task=task, to_unit=receiver, added=added
            )
        )
    for a in activities:
        receiver = _successor_of(a, successors, chosen)
        # A queryset update leaves updated_at alone: the move is recorded here, not as an
        # edit of the activity, and the stamp tells the undo whether anyone edited it since.
        Activity.objects.filter(pk=a.pk).update(unit=receiver)
        items.append(
            UnitTransferItem(
                transfer=transfer,
                kind=Item.ACTIVITY,
                activity=a,
                to_unit=receiver,
                stamp=a.updated_at,
            )
        )
    UnitTransferItem.objects.bulk_create(items)
    unit.valid_to = date
    unit.save(update_fields=["valid_to"])
    return transfer


transfer_work = end_unit


# --- undoing -------------------------------------------------------------------------------------


def _changes_since(transfer: UnitTransfer, unit: ImplementingUnit) -> list[str]:
    """What changed since the transfer in what it moved, as Vietnamese phrases."""
    problems: list[str] = []
    for item in transfer.items.select_related("task", "activity", "to_unit"):
        task, activity, to = item.task, item.activity, item.to_unit
        if item.kind == Item.ACTIVITY:
            if activity is None:
                problems.append(_("một hoạt động đã bị xóa"))
            elif activity.unit_id != to.pk:
                problems.append(
                    _("hoạt động %(a)s không còn thuộc %(u)s")
                    % {"a": _activity_label(activity), "u": to.name}
                )
            elif activity.updated_at != item.stamp:
                problems.append(
                    _("hoạt động %(a)s đã được sửa sau khi chuyển giao")
                    % {"a": _activity_label(activity)}
                )
            continue
        if task is None:
            problems.append(_("một nhiệm vụ đã bị xóa"))
        elif item.kind == Item.LEAD and task.responsible_id != to.pk:
            problems.append(
                _("nhiệm vụ %(t)s không còn do %(u)s chủ trì") % {"t": task.code, "u": to.name}
            )
        elif item.kind == Item.COOPERATING:
            helpers = set(task.cooperating.values_list("pk", flat=True))
            if unit.pk in helpers or (item.added and to.pk not in helpers):
                problems.append(
                    _("đơn vị phối hợp của nhiệm vụ %(t)s đã thay đổi") % {"t": task.code}
                )
    return problems


@transaction.atomic
def carried_on_by(unit: ImplementingUnit, on: dt.date) -> ImplementingUnit:
    """The unit that carries `unit`'s work on `on`: the unit itself while valid, else a
    successor of its standing (not undone) transfer, followed forward: one of the same kind
    (an office's work goes on in an office; a commune named for one activity does not take
    the office's place), the first recorded otherwise. A unit that ended with no transfer
    recorded is its own answer."""
    seen: set[int] = set()
    while unit.valid_to is not None and unit.valid_to < on and unit.pk not in seen:
        seen.add(unit.pk)
        transfer = unit.transfers_out.filter(undone_at__isnull=True).order_by("-pk").first()
        successors = sorted(transfer.successors.all(), key=lambda u: u.pk) if transfer else []
        successor = next((u for u in successors if u.kind == unit.kind), None) or next(
            iter(successors), None
        )
        if successor is None:
            break
        unit = successor
    return unit


def undo_transfer(*, transfer: UnitTransfer, user: Any = None) -> None:
    """Put back exactly what `transfer` moved and reopen its unit. Refused when anything it
    moved changed since (an activity edited, marked done, moved or deleted; a task's lead or
    cooperating units changed; a later transfer of a successor): undoing would then erase a
    person's later work or hand back work the successor has done. Such a case is mended by
    hand, and the refusal says what changed."""
    transfer = UnitTransfer.objects.select_for_update().get(pk=transfer.pk)
    if transfer.undone_at is not None:
        raise UnitError(_("Lần chuyển giao này đã được hoàn tác."))
    unit = ImplementingUnit.objects.select_for_update().get(pk=transfer.unit_id)
    if unit.valid_to != transfer.ended_on:
        raise UnitError(
            _(
                "Không thể hoàn tác: thời gian hoạt động của %(unit)s đã được sửa sau khi "
                "chuyển giao."
            )
            % {"unit": unit.name}
        )
    problems = _changes_since(transfer, unit)
    if problems:
        raise UnitError(
            _(
                "Không thể hoàn tác: %(list)s. Hoàn tác lúc này sẽ xóa thay đổi đó hoặc trả "
                "lại việc đơn vị nhận đã làm; hãy sửa bằng tay."
            )
            % {"list": _listed(problems)}
        )
    for item in transfer.items.select_related("task", "activity"):
        # _changes_since has refused any item whose row is gone.
        if item.kind == Item.ACTIVITY:
            assert item.activity is not None
            Activity.objects.filter(pk=item.activity.pk).update(unit=unit)
            continue
        assert item.task is not None
        if item.kind == Item.LEAD:
            Task.objects.filter(pk=item.task.pk).update(responsible=unit)
        else:
            if item.added:
                item.task.cooperating.remove(item.to_unit_id)
            item.task.cooperating.add(unit)
    unit.valid_to = None
    unit.save(update_fields=["valid_to"])
    transfer.undone_at = timezone.now()
    transfer.undone_by = user if getattr(user, "pk", None) else None
    transfer.save(update_fields=["undone_at", "undone_by"])
