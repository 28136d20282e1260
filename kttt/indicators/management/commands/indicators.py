import datetime as dt
import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation

from kttt.areas.services import AreaError
from kttt.indicators.definitions import INDICATORS
from kttt.indicators.engine import compute
from kttt.indicators.explain import UnknownIndicator, explain
from kttt.lib.dates import format_date
from kttt.lib.numbers import format_number
from kttt.registry.models import Kind, Sector


class Command(BaseCommand):
    help = "Tính các chỉ tiêu KTTT cho một năm và một địa bàn (DOMAIN.md §4)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--year", type=int, required=True, help="Năm, ví dụ 2021.")
        parser.add_argument("--area", help="Mã địa bàn (mặc định: địa bàn của hệ thống).")
        parser.add_argument("--kind", choices=Kind.values, default=Kind.HTX)
        parser.add_argument("--format", choices=["json", "table"], default="table")
        parser.add_argument(
            "--explain", metavar="CODE", help="Liệt kê các HTX và dòng số liệu tạo nên chỉ tiêu."
        )
        parser.add_argument(
            "--include-unapproved",
            action="store_true",
            help="Gồm cả số liệu năm chưa được duyệt (mặc định: chỉ số liệu đã duyệt).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["explain"]:
            return self.explain(options)
        try:
            result = compute(
                options["year"],
                options["area"],
                options["kind"],
                include_unapproved=options["include_unapproved"],
            )
        except AreaError as exc:
            raise CommandError(str(exc)) from None
        if options["format"] == "json":
            self.stdout.write(json.dumps(result, ensure_ascii=False))
            return
        with translation.override("vi"):
            self.stdout.write(self.table(result))

    def table(self, result: dict[str, Any]) -> str:
        area = result["area"]
        lines = [
            f"{area['name']} ({area['code']}), năm {result['year']}, "
            f"{Kind(result['kind']).label}, tính đến {area['as_of'][8:10]}/"
            f"{area['as_of'][5:7]}/{area['as_of'][:4]}"
            + (" — số liệu gần đúng" if area["approximate"] else ""),
            *(f"  Lưu ý: {note}" for note in area["notes"]),
        ]
        width = max(len(str(i.name)) for i in INDICATORS)
        for indicator in INDICATORS:
            value = result["indicators"][indicator.code]
            shown = "–" if value is None else format_number(value)
            lines.append(f"  {indicator.name!s:<{width}}  {shown:>12} {indicator.unit}")
        lines.append("Theo lĩnh vực:")
        for code, values in result["by_sector"].items():
            if values["coops_active"] or values["members"]:
                lines.append(
                    f"  {Sector(code).label}: {values['coops_active']} HTX, "
                    f"{format_number(values['members'])} thành viên, "
                    f"{format_number(values['workers'])} lao động, "
                    f"vốn {format_number(values['capital'])} triệu đồng"
                )
        return "\n".join(lines)

    def explain(self, options: dict[str, Any]) -> None:
        try:
            result = explain(
                options["year"],
                options["area"],
                options["kind"],
                options["explain"],
                include_unapproved=options["include_unapproved"],
            )
        except (AreaError, UnknownIndicator) as exc:
            raise CommandError(str(exc)) from None
        if options["format"] == "json":
            self.stdout.write(json.dumps(result, ensure_ascii=False))
            return
        value = result["value"]
        self.stdout.write(
            f"{result['name']} ({result['indicator']}), {result['area']['name']}, năm "
            f"{result['year']}: {'–' if value is None else format_number(value)}"
        )
        for row in result["rows"]:
            extra = ""
            if "value" in row:
                extra = "  " + ("–" if row["value"] is None else format_number(row["value"]))
            elif "product" in row:
                recognized = dt.date.fromisoformat(row["recognized_on"])
                extra = f"  {row['product']} ({format_date(recognized)})"
            self.stdout.write(f"  {row['code']:<14} {row['name']}{extra}")
