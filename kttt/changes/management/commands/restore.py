"""`kttt restore DIR [--force]`: a backup of `kttt backup` back into the configured database
and MEDIA_ROOT, then migrate and collectstatic (docs/cli.md)."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from kttt.changes.backup import ENGINE_NAMES, BackupError, megabytes, restore


class Command(BaseCommand):
    help = (
        "Khôi phục một bản sao lưu của `kttt backup`: kiểm tra tổng kiểm mọi tệp, rồi ghi cơ "
        "sở dữ liệu và tệp minh chứng, chạy migrate và collectstatic."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("dir", help="thư mục của bản sao lưu")
        parser.add_argument(
            "--force",
            action="store_true",
            help="thay cả cơ sở dữ liệu đã có dữ liệu và ghi đè tệp đã có trong MEDIA_ROOT",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        directory = Path(options["dir"])
        try:
            summary = restore(directory, force=options["force"])
        except BackupError as exc:
            raise CommandError(str(exc), returncode=1) from None
        migrated = (
            _(" Đã chạy %(count)s migration của phiên bản này.") % {"count": len(summary.migrated)}
            if summary.migrated
            else ""
        )
        self.stdout.write(
            _(
                "Đã khôi phục từ %(dir)s: cơ sở dữ liệu %(engine)s %(db)s, %(files)s tệp "
                "minh chứng %(media)s.%(migrated)s"
            )
            % {
                "dir": directory,
                "engine": ENGINE_NAMES[summary.engine],
                "db": megabytes(summary.database_bytes),
                "files": summary.files,
                "media": megabytes(summary.file_bytes),
                "migrated": migrated,
            }
        )
