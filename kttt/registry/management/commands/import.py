"""`kttt import FILE.xlsx [--dry-run]`: the Excel template into the registry (DOMAIN.md §6).

Every problem is printed (DOMAIN.md §6), then, when there are more than 200, the number of
problems by sheet and column.

Exit status: 0 imported (or, with --dry-run, nothing wrong found); 1 the file has problems
and nothing was written; 2 wrong usage (missing or unknown argument, file not found).
"""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from kttt.lib.numbers import format_number
from kttt.registry.excel import run_import, summary_lines
from kttt.registry.excel.reading import Problems


class Command(BaseCommand):
    help = "Nhập sổ HTX, số liệu năm và sản phẩm OCOP từ tệp Excel theo mẫu."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="tệp .xlsx theo mẫu (docs/import-template.md)")
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="chỉ kiểm tra và cho biết sẽ tạo mới, cập nhật, giữ nguyên bao nhiêu dòng",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(_("Không tìm thấy tệp %(path)s.") % {"path": path}, returncode=2)
        # Every error is printed (DOMAIN.md §6); the web page shows the first 200.
        result = run_import(path, dry_run=options["dry_run"], limit=None)
        problems = result.problems
        if problems.total:
            for problem in problems:
                self.stderr.write(str(problem))
            if problems.total > Problems.SHOWN:
                self.stderr.write(_("Số lỗi theo trang và cột:"))
                for sheet, column, count in problems.places():
                    self.stderr.write(f"  {sheet or '–'}, {column or '–'}: {format_number(count)}")
            raise CommandError(
                _("Không nhập gì vì tệp có %(count)s lỗi.")
                % {"count": format_number(problems.total)},
                returncode=1,
            )
        if options["dry_run"]:
            self.stdout.write(_("Kiểm tra xong, không có lỗi. Chưa ghi gì; nếu nhập thật sẽ:"))
        else:
            self.stdout.write(_("Đã nhập xong:"))
        for line in summary_lines(result.counts):
            self.stdout.write(f"  {line}")
