from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from kttt.indicators.definitions import markdown


class Command(BaseCommand):
    help = "Viết lại docs/indicators.md từ khai báo chỉ tiêu."

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(settings.PROJECT_DIR) / "docs" / "indicators.md"
        path.write_text(markdown(), encoding="utf-8")
        self.stdout.write(str(path))
