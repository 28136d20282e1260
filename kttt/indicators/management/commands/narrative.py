from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kttt.areas.services import AreaError
from kttt.indicators.narrative import narrative
from kttt.registry.models import Kind


class Command(BaseCommand):
    help = "Viết đoạn đánh giá hiện trạng KTTT (như mục II của Đề án) từ số liệu."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--area")
        parser.add_argument("--kind", choices=Kind.values, default=Kind.HTX)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            text = narrative(options["year"], options["area"], options["kind"])
        except AreaError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write("\n\n".join(text))
