from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from kttt.api.docs import current


class Command(BaseCommand):
    help = "Viết lại docs/api.md từ tài liệu OpenAPI của API."

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(settings.PROJECT_DIR) / "docs" / "api.md"
        path.write_text(current(), encoding="utf-8")
        self.stdout.write(str(path))
