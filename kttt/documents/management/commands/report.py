import datetime as dt
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from kttt.areas.services import AreaError, resolve_area
from kttt.documents import register
from kttt.documents.build import Request
from kttt.documents.issuers import issuer_for
from kttt.documents.models import Report, ReportKind
from kttt.documents.queries import plan_for_year
from kttt.lib.dates import date_argument, format_date, year_end
from kttt.lib.errors import Refusal
from kttt.plans.models import Plan


class Command(BaseCommand):
    help = (
        "Lập báo cáo chính thức (Nghị định 30/2020/NĐ-CP): báo cáo năm (annual), báo cáo tổng "
        "kết đề án (final); liệt kê sổ báo cáo (list) hoặc lập lại một báo cáo đã vào sổ (again)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)

        def output(p: CommandParser) -> None:
            p.add_argument("--format", choices=sorted(register.FORMATS), default="docx")
            p.add_argument("-o", "--output", required=True, help="Tệp ghi ra.")

        def common(p: CommandParser) -> None:
            output(p)
            p.add_argument("--date", type=date_argument, help="Ngày báo cáo (mặc định: hôm nay).")
            p.add_argument(
                "--number", default="", help="Số báo cáo (trống: để trống trên văn bản)."
            )
            p.add_argument("--problems", type=Path, help="Tệp văn bản của phần V.")
            p.add_argument("--directions", type=Path, help="Tệp văn bản của phần VI.")
            p.add_argument(
                "--register",
                action="store_true",
                help="Vào sổ báo cáo (số trống: lấy số tiếp theo của sổ).",
            )

        annual = sub.add_parser("annual", help="Báo cáo kết quả năm.")
        annual.add_argument("--year", type=int, required=True)
        annual.add_argument("--area", help="Mã địa bàn (mặc định: địa bàn của hệ thống).")
        annual.add_argument(
            "--plan",
            type=int,
            help="Mã số đề án (mặc định: đề án của đúng địa bàn này có kỳ chứa năm báo cáo).",
        )
        common(annual)
        final = sub.add_parser("final", help="Báo cáo tổng kết đề án.")
        final.add_argument("--plan", type=int, required=True)
        common(final)
        sub.add_parser("list", help="Sổ báo cáo.")
        again = sub.add_parser("again", help="Lập lại một báo cáo đã vào sổ.")
        again.add_argument("id", type=int)
        output(again)

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        try:
            if action == "list":
                self.list()
            elif action == "again":
                self.again(options)
            else:
                self.make(action, options)
        except (Refusal, AreaError) as exc:
            raise CommandError(str(exc)) from None

    def make(self, action: str, options: dict[str, Any]) -> None:
        issued_on: dt.date = options["date"] or timezone.localdate()
        plan = None
        if options["plan"] is not None:
            plan = Plan.objects.filter(pk=options["plan"]).first()
            if plan is None:
                raise CommandError(f"Không có đề án mã số {options['plan']}.")
        year = options.get("year")
        area_code = register.area_of(plan, options.get("area"))
        if action == ReportKind.ANNUAL:
            assert year is not None  # required by the sub-command
            resolve_area(area_code, year_end(year))  # a bad code says so before anything
            if plan is None:
                plan = plan_for_year(area_code, year)
            elif plan.area_code != area_code:
                raise CommandError(
                    f"Đề án {plan.pk} là của địa bàn {plan.area_code}, không phải {area_code}."
                )
        texts = {}
        for key in ("problems", "directions"):
            path = options[key]
            try:
                texts[key] = path.read_text(encoding="utf-8") if path else ""
            except (OSError, UnicodeDecodeError) as exc:
                raise CommandError(f"Không đọc được tệp {path}: {exc}") from None
        request = Request(
            kind=action,
            area_code=area_code,
            issued_on=issued_on,
            issuer=issuer_for(area_code, issued_on),
            year=year if action == ReportKind.ANNUAL else None,
            plan=plan,
            number=options["number"],
            problems=texts["problems"],
            directions=texts["directions"],
        )
        if options["register"]:
            report, document = register.record(request)
            self.stderr.write(f"Đã vào sổ: báo cáo số {report.number} (mã {report.pk}).")
        else:
            register.check(request)
            document = register.build(request)
        self.write(register.render(document, options["format"], issued_on).data, options)

    def write(self, data: bytes, options: dict[str, Any]) -> None:
        path = Path(options["output"])
        try:
            path.write_bytes(data)
        except OSError as exc:
            raise CommandError(f"Không ghi được tệp {path}: {exc}") from None
        self.stdout.write(f"Đã ghi {path} ({len(data):,} byte).".replace(",", "."))

    def again(self, options: dict[str, Any]) -> None:
        report = Report.objects.filter(pk=options["id"]).select_related("plan").first()
        if report is None:
            raise CommandError(f"Sổ báo cáo không có mã {options['id']}.")
        document = register.rebuild(report)
        if document.fingerprint() != report.fingerprint:
            self.stderr.write(
                "Lưu ý: số liệu đã thay đổi sau khi lập báo cáo; nội dung lập lại khác bản đã "
                "vào sổ."
            )
        self.write(register.render(document, options["format"], report.issued_on).data, options)

    def list(self) -> None:
        for r in Report.objects.select_related("plan", "created_by"):
            what = f"năm {r.year}" if r.year else f"(mã đề án {r.plan_id})"
            who = r.created_by.get_username() if r.created_by else "-"
            self.stdout.write(
                f"{r.pk:>5}  {r.number}/{r.header.get('symbol', '')}  {format_date(r.issued_on)}"
                f"  {r.get_kind_display()} {what}, địa bàn {r.area_code}  ({who})"
            )
