"""`kttt export FILE.xlsx`: the whole registry in the import template (DOMAIN.md §6)."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from kttt.registry.excel import export_workbook
from kttt.registry.excel.layout import blank_template
from kttt.registry.models import Entity


class Command(BaseCommand):
    help = "Xuất sổ HTX, số liệu năm và sản phẩm OCOP ra tệp Excel theo mẫu nhập."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", nargs="?", help="tệp .xlsx sẽ ghi (ghi đè nếu đã có)")
        parser.add_argument(
            "--template",
            metavar="FILE",
            help="ghi mẫu nhập trống (hướng dẫn, tiêu đề, danh sách chọn) thay cho dữ liệu",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if bool(options["file"]) == bool(options["template"]):
            raise CommandError(
                _("Cần đúng một trong hai: FILE hoặc --template FILE."), returncode=2
            )
        path = Path(options["file"] or options["template"])
        if not path.parent.is_dir():
            raise CommandError(
                _("Không có thư mục %(path)s.") % {"path": path.parent}, returncode=2
            )
        try:
            if options["template"]:
                blank_template(path)
            else:
                export_workbook(Entity.objects.all(), path)
        except OSError as exc:
            raise CommandError(
                _("Không ghi được tệp %(path)s: %(error)s")
                % {"path": path, "error": exc.strerror or exc},
                returncode=1,
            ) from None
        if options["template"]:
            self.stdout.write(_("Đã ghi mẫu nhập trống vào %(path)s.") % {"path": path})
            return
        self.stdout.write(
            _("Đã xuất %(count)s HTX vào %(path)s.")
            % {"count": Entity.objects.count(), "path": path}
        )
