"""`kttt export FILE.xlsx`: the whole registry in the import template (DOMAIN.md §6)."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from kttt.registry.excel import export_workbook
from kttt.registry.models import Entity


class Command(BaseCommand):
    help = "Xuất sổ HTX, số liệu năm và sản phẩm OCOP ra tệp Excel theo mẫu nhập."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="tệp .xlsx sẽ ghi (ghi đè nếu đã có)")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        if not path.parent.is_dir():
            raise CommandError(
                _("Không có thư mục %(path)s.") % {"path": path.parent}, returncode=2
            )
        try:
            export_workbook(Entity.objects.all(), path)
        except OSError as exc:
            raise CommandError(
                _("Không ghi được tệp %(path)s: %(error)s")
                % {"path": path, "error": exc.strerror or exc},
                returncode=1,
            ) from None
        self.stdout.write(
            _("Đã xuất %(count)s HTX vào %(path)s.")
            % {"count": Entity.objects.count(), "path": path}
        )
