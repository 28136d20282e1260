"""kttt succession list | add | apply: record how administrative units succeeded each other."""

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from kttt.areas.models import Succession
from kttt.areas.services import AreaError, record_succession
from kttt.lib.dates import InvalidDate, format_date, parse_date
from kttt.registry.services import apply_succession


def _date(text: str) -> dt.date:
    try:
        value = parse_date(text)
    except InvalidDate:
        value = None
    if value is None:
        raise CommandError(f"Ngày “{text}” không hợp lệ (dạng dd/mm/yyyy).")
    return value


def _codes(text: str) -> list[str]:
    return [c.strip() for c in text.split(",") if c.strip()]


class Command(BaseCommand):
    help = "Ghi nhận và áp dụng việc sắp xếp đơn vị hành chính (đơn vị cũ → đơn vị mới)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("list", help="Liệt kê các lần sắp xếp đã ghi nhận.")
        add = sub.add_parser("add", help="Ghi nhận một lần sắp xếp.")
        add.add_argument("--date", required=True, help="Ngày hiệu lực, dd/mm/yyyy.")
        add.add_argument(
            "--old",
            required=True,
            help="Mã đơn vị cũ (đọc ngày hôm trước), cách nhau bởi dấu phẩy.",
        )
        add.add_argument("--new", required=True, help="Mã đơn vị mới (đọc tại ngày hiệu lực).")
        add.add_argument(
            "--with-outside-territory",
            action="store_true",
            help="Đơn vị mới còn nhận địa bàn từ nơi khác (số liệu theo địa bàn cũ sẽ gần đúng).",
        )
        add.add_argument("--verified", action="store_true", help="Đã đối chiếu văn bản chính thức.")
        add.add_argument("--source", default="", help="Căn cứ: số, ngày văn bản.")
        add.add_argument("--note", default="")
        add.add_argument("--apply", action="store_true", help="Áp dụng ngay cho các HTX.")
        apply = sub.add_parser("apply", help="Chuyển địa bàn các HTX theo một lần sắp xếp.")
        apply.add_argument("id", type=int)

    def handle(self, *args: Any, **options: Any) -> None:
        getattr(self, f"do_{options['action']}")(options)

    def do_list(self, options: dict[str, Any]) -> None:
        for s in Succession.objects.prefetch_related("old_units", "new_units"):
            olds = ", ".join(f"{u.name} ({u.code})" for u in s.old_units.all())
            news = ", ".join(f"{u.name} ({u.code})" for u in s.new_units.all())
            label = "đã xác minh" if s.verified else "CHƯA XÁC MINH"
            partial = "" if s.only_old_territory else "; có địa bàn nơi khác"
            self.stdout.write(f"#{s.pk} {format_date(s.date)}: {olds} → {news} [{label}{partial}]")

    def do_add(self, options: dict[str, Any]) -> None:
        with transaction.atomic():
            try:
                succession = record_succession(
                    date=_date(options["date"]),
                    old_codes=_codes(options["old"]),
                    new_codes=_codes(options["new"]),
                    only_old_territory=not options["with_outside_territory"],
                    verified=options["verified"],
                    source=options["source"],
                    note=options["note"],
                )
            except AreaError as exc:
                raise CommandError(str(exc)) from None
            self.stdout.write(f"Đã ghi nhận #{succession.pk}: {succession}")
            if options["apply"]:
                self._apply(succession)

    def do_apply(self, options: dict[str, Any]) -> None:
        succession = Succession.objects.filter(pk=options["id"]).first()
        if succession is None:
            raise CommandError(f"Không có lần sắp xếp #{options['id']}.")
        self._apply(succession)

    def _apply(self, succession: Succession) -> None:
        moved, undecided = apply_succession(succession=succession, source="cli")
        self.stdout.write(f"Đã chuyển địa bàn {len(moved)} HTX.")
        if undecided:
            self.stdout.write(
                f"{len(undecided)} HTX cần người quyết định địa bàn mới (nhiều đơn vị mới): "
                + ", ".join(e.code for e in undecided)
            )
