import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from kttt.plans.budget import Money, summary, vnd
from kttt.plans.models import Plan
from kttt.plans.queries import plan_in_force


class Command(BaseCommand):
    help = "Kinh phí của đề án: tổng, giao, đã chi và còn lại theo nguồn, nhiệm vụ và năm."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--plan", type=int, help="Mã số đề án (mặc định: đề án đang áp dụng).")
        parser.add_argument("--format", choices=["json", "table"], default="table")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["plan"] is not None:
            plan = Plan.objects.filter(pk=options["plan"]).first()
        else:
            plan = plan_in_force(timezone.localdate().year)
        if plan is None:
            raise CommandError("Không tìm thấy đề án.")
        result = summary(plan)
        if options["format"] == "json":
            self.stdout.write(json.dumps(result.as_json(), ensure_ascii=False))
            return
        self.stdout.write(f"{plan.name} — kinh phí (triệu đồng)")
        header = f"  {'':<44}{'Đề nghị':>12}{'Giao':>12}{'Đã chi':>12}{'Còn lại':>12}"

        def row(label: str, m: Money) -> str:
            return (
                f"  {label[:44]:<44}{vnd(m.requested):>12}{vnd(m.allocated):>12}"
                f"{vnd(m.disbursed):>12}{vnd(m.remaining):>12}"
            )

        self.stdout.write("Theo nguồn:")
        self.stdout.write(header)
        for source, m in result.by_source.items():
            self.stdout.write(row(f"{source.name} (tổng {vnd(source.total)})", m))
        self.stdout.write(row(f"Tổng cộng (tổng {vnd(result.total.total)})", result.total))
        self.stdout.write("Theo nhiệm vụ:")
        self.stdout.write(header)
        for task, m in result.by_task.items():
            if m.allocated or m.requested:
                self.stdout.write(row(f"{task.code} {task.title}", m))
        self.stdout.write("Theo năm:")
        self.stdout.write(header)
        for year, m in sorted(result.by_year.items()):
            self.stdout.write(row(str(year), m))
