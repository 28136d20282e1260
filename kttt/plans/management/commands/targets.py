import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kttt.indicators.definitions import BY_CODE
from kttt.lib.errors import Refusal
from kttt.lib.numbers import format_number
from kttt.plans.evaluation import evaluate
from kttt.plans.models import Plan
from kttt.plans.queries import plan_in_force


class Command(BaseCommand):
    help = "Đánh giá các mục tiêu của đề án cho một năm (DOMAIN.md §5)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--plan", type=int, help="Mã số đề án (mặc định: đề án đang áp dụng).")
        parser.add_argument("--format", choices=["json", "table"], default="table")

    def handle(self, *args: Any, **options: Any) -> None:
        year = options["year"]
        if options["plan"] is not None:
            plan = Plan.objects.filter(pk=options["plan"]).first()
        else:
            plan = plan_in_force(year)
        if plan is None:
            raise CommandError("Không tìm thấy đề án.")
        try:
            result = evaluate(plan, year)
        except Refusal as exc:
            raise CommandError(str(exc)) from None
        if options["format"] == "json":
            self.stdout.write(json.dumps(result, ensure_ascii=False))
            return
        self.stdout.write(f"{plan.name} — năm {year}")
        for note in result["notes"]:
            self.stdout.write(f"  Lưu ý: {note}")
        for row in result["targets"]:
            unit = BY_CODE[row["target"]["indicator"]].unit
            value = "–" if row["value"] is None else format_number(row["value"])
            projection = (
                ""
                if row["projection"] is None
                else f"; dự báo {plan.end_year}: {format_number(row['projection'])}"
            )
            self.stdout.write(
                f"  {row['code']:<20} {row['status']:<16} {value} {unit}{projection}\n"
                f"      {row['description']}"
            )
