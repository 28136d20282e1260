"""kttt units list | end | undo: implementing units through time (docs/plan-execution.md)."""

from collections import Counter
from typing import Any

from django.contrib.auth.models import User
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import Q

from kttt.lib.dates import date_argument, format_date
from kttt.plans.models import Activity, ImplementingUnit, Task, UnitTransfer, UnitTransferItem
from kttt.plans.units import UnitError, end_unit, undo_transfer


def _unit(text: str) -> ImplementingUnit:
    """A unit by its number, or by its short or full name when exactly one has it."""
    text = text.strip()
    if text.isdigit():
        found = list(ImplementingUnit.objects.filter(pk=int(text)))
    else:
        found = list(ImplementingUnit.objects.filter(Q(short_name=text) | Q(name=text)))
    if len(found) != 1:
        what = "Không có" if not found else "Có nhiều"
        raise CommandError(f"{what} đơn vị thực hiện “{text}” (xem kttt units list).")
    return found[0]


def _user(username: str | None) -> User | None:
    if not username:
        return None
    user = User.objects.filter(username=username).first()
    if user is None:
        raise CommandError(f"Không có người dùng “{username}”.")
    return user


def _assignment(text: str) -> tuple[Task | Activity, ImplementingUnit]:
    """ "activity:12=7" or "task:3=SHORT": who among the successors gets that one."""
    kind, _sep, rest = text.partition(":")
    pk, _sep, unit = rest.partition("=")
    kind = kind.strip()
    if kind not in ("activity", "task") or not pk.strip().isdigit() or not unit.strip():
        raise CommandError(f"“{text}” không đúng dạng activity:ID=ĐƠN_VỊ hoặc task:ID=ĐƠN_VỊ.")
    thing: Task | Activity | None = (
        Activity.objects.filter(pk=int(pk)).first()
        if kind == "activity"
        else Task.objects.filter(pk=int(pk)).first()
    )
    if thing is None:
        raise CommandError(f"Không có {kind} #{pk}.")
    return thing, _unit(unit)


class Command(BaseCommand):
    help = "Đơn vị thực hiện theo thời gian: liệt kê, kết thúc và chuyển giao việc, hoàn tác."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("list", help="Liệt kê các đơn vị và các lần chuyển giao.")
        end = sub.add_parser("end", help="Kết thúc một đơn vị và chuyển việc đang mở.")
        end.add_argument("unit", help="Số hoặc tên viết tắt của đơn vị kết thúc.")
        end.add_argument(
            "--date",
            required=True,
            type=date_argument,
            help="Ngày cuối cùng của đơn vị, dd/mm/yyyy.",
        )
        end.add_argument(
            "--to",
            action="append",
            required=True,
            help="Đơn vị nhận (lặp lại nếu nhiều); đơn vị đầu tiên nhận mọi việc không chỉ định.",
        )
        end.add_argument(
            "--assign",
            action="append",
            default=[],
            help="activity:ID=ĐƠN_VỊ hoặc task:ID=ĐƠN_VỊ: việc này giao cho đơn vị nhận khác.",
        )
        end.add_argument("--source", default="", help="Căn cứ: số, ngày văn bản.")
        end.add_argument("--note", default="")
        end.add_argument("--user", help="Tên đăng nhập của người ghi nhận.")
        undo = sub.add_parser("undo", help="Hoàn tác một lần chuyển giao.")
        undo.add_argument("id", type=int)
        undo.add_argument("--user", help="Tên đăng nhập của người hoàn tác.")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            getattr(self, f"do_{options['action']}")(options)
        except UnitError as exc:
            raise CommandError(str(exc)) from None

    def do_list(self, options: dict[str, Any]) -> None:
        for u in ImplementingUnit.objects.all():
            validity = u.validity or "không giới hạn"
            short = f" [{u.short_name}]" if u.short_name else ""
            self.stdout.write(f"#{u.pk} {u.name}{short} ({u.get_kind_display()}): {validity}")
        transfers = UnitTransfer.objects.select_related("unit").prefetch_related(
            "successors", "items"
        )
        for t in transfers:
            news = ", ".join(u.name for u in t.successors.all())
            undone = " [ĐÃ HOÀN TÁC]" if t.undone_at else ""
            self.stdout.write(
                f"Chuyển giao #{t.pk}: {t.unit.name} kết thúc {format_date(t.ended_on)} → "
                f"{news}; {len(t.items.all())} việc{undone}"
            )

    def do_end(self, options: dict[str, Any]) -> None:
        assignments = dict(_assignment(a) for a in options["assign"])
        transfer = end_unit(
            unit=_unit(options["unit"]),
            date=options["date"],
            successors=[_unit(s) for s in options["to"]],
            assignments=assignments,
            user=_user(options["user"]),
            source=options["source"],
            note=options["note"],
        )
        counts = Counter(transfer.items.values_list("kind", flat=True))
        self.stdout.write(
            f"Đã ghi nhận chuyển giao #{transfer.pk}: {transfer.unit.name} kết thúc ngày "
            f"{format_date(transfer.ended_on)}; chuyển {counts[UnitTransferItem.Kind.LEAD]} "
            f"nhiệm vụ chủ trì, {counts[UnitTransferItem.Kind.COOPERATING]} nhiệm vụ phối "
            f"hợp, {counts[UnitTransferItem.Kind.ACTIVITY]} hoạt động."
        )

    def do_undo(self, options: dict[str, Any]) -> None:
        transfer = UnitTransfer.objects.filter(pk=options["id"]).first()
        if transfer is None:
            raise CommandError(f"Không có lần chuyển giao #{options['id']}.")
        undo_transfer(transfer=transfer, user=_user(options["user"]))
        self.stdout.write(
            f"Đã hoàn tác chuyển giao #{transfer.pk}: {transfer.unit.name} hoạt động trở lại."
        )
