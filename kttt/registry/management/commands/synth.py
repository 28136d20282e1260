import re
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kttt.registry.synth import synthesize


class Command(BaseCommand):
    help = "Tạo dữ liệu tổng hợp quy mô toàn quốc để đo hiệu năng (không phải số liệu thật)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--entities", type=int, required=True)
        parser.add_argument("--years", required=True, help="Khoảng năm, ví dụ 2021-2025.")
        parser.add_argument("--seed", type=int, default=1)

    def handle(self, *args: Any, **options: Any) -> None:
        match = re.fullmatch(r"(\d{4})-(\d{4})", options["years"].strip())
        if not match or int(match[1]) > int(match[2]):
            raise CommandError("--years phải có dạng NĂM-NĂM, ví dụ 2021-2025.")
        if options["entities"] < 1:
            raise CommandError("--entities phải là số dương.")
        counts = synthesize(options["entities"], int(match[1]), int(match[2]), options["seed"])
        self.stdout.write(", ".join(f"{key}: {value}" for key, value in counts.items()))
