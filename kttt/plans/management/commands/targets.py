import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from kttt.indicators.definitions import BY_CODE
from kttt.lib.errors import Refusal
from kttt.lib.numbers import format_number
from kttt.plans.evaluation import evaluate
from kttt.plans.final import final_evaluation
from kttt.plans.models import Plan
from kttt.plans.queries import plan_in_force


class Command(BaseCommand):
    help = (
        "Đánh giá các mục tiêu của đề án cho một năm (DOMAIN.md §5), hoặc tổng kết cả giai "
        "đoạn (--final)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--year", type=int)
        parser.add_argument("--final", action="store_true", help="Tổng kết cả giai đoạn của đề án.")
        parser.add_argument("--plan", type=int, help="Mã số đề án (mặc định: đề án đang áp dụng).")
        parser.add_argument("--format", choices=["json", "table"], default="table")

    def handle(self, *args: Any, **options: Any) -> None:
        year = options["year"]
        if year is None and not options["final"]:
            raise CommandError("Cần --year NĂM hoặc --final.", returncode=2)
        if options["plan"] is not None:
            plan = Plan.objects.filter(pk=options["plan"]).first()
        else:
            plan = plan_in_force(year if year is not None else timezone.localdate().year)
        if plan is None:
            raise CommandError("Không tìm thấy đề án.")
        if options["final"]:
            self.final(plan, options["format"])
            return
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
            if row["basis"]:
                self.stdout.write(f"      {row['basis']['text']}")

    def final(self, plan: Plan, fmt: str) -> None:
        result = final_evaluation(plan)
        if fmt == "json":
            self.stdout.write(json.dumps(result, ensure_ascii=False))
            return
        self.stdout.write(
            f"{plan.name} — tổng kết {plan.start_year}–{plan.end_year}: {result['summary']}"
        )
        for row in result["targets"]:
            self.stdout.write(
                f"  {row['code']:<20} {row['verdict']:<16} năm cơ sở "
                f"{_number(row['baseline'])}, năm cuối {_number(row['final'])}\n"
                f"      {row['description']}\n      {row['rule_text']}"
            )
            if row["basis"]:
                self.stdout.write(f"      Năm {plan.end_year}: {row['basis']['text']}")
        problems = result["problems"]
        for gap in problems["missing_reports"]:
            self.stdout.write(f"  Năm {gap['year']}: {gap['missing']} HTX chưa có số liệu năm.")
        for note in problems["territory"]:
            self.stdout.write(f"  Lưu ý năm {note['year']}: {note['note']}")


def _number(value: Any) -> str:
    return "–" if value is None else format_number(value)
