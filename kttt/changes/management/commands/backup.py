"""`kttt backup DIR`: the database and the evidence files, with a manifest (docs/cli.md)."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from kttt.changes.backup import ENGINE_NAMES, BackupError, backup, megabytes


class Command(BaseCommand):
    help = "Sao lưu cơ sở dữ liệu và các tệp minh chứng vào một thư mục mới (hoặc trống)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("dir", help="thư mục sẽ ghi bản sao lưu (tạo mới; phải trống)")

    def handle(self, *args: Any, **options: Any) -> None:
        directory = Path(options["dir"])
        try:
            summary = backup(directory)
        except BackupError as exc:
            raise CommandError(str(exc), returncode=1) from None
        self.stdout.write(
            _(
                "Đã sao lưu vào %(dir)s: cơ sở dữ liệu %(engine)s %(db)s, %(files)s tệp "
                "minh chứng %(media)s; tổng %(total)s."
            )
            % {
                "dir": directory,
                "engine": ENGINE_NAMES[summary.engine],
                "db": megabytes(summary.database_bytes),
                "files": summary.files,
                "media": megabytes(summary.file_bytes),
                "total": megabytes(summary.total_bytes),
            }
        )
        if summary.files_elsewhere:
            self.stdout.write(
                _(
                    "Lưu ý: tệp minh chứng nằm trong kho lưu trữ đối tượng (KTTT_STORAGE=s3), "
                    "không có trong bản sao lưu này: hãy sao lưu kho đó riêng."
                )
            )
