"""The register of reports (sổ báo cáo): each report made is kept with what it was built from
(kind, year, area, plan, date, number, header, the author's sections V and VI) and the
fingerprint of what it said. A report is built again from its entry; when the data have
changed since, the fingerprints differ and the register says so."""

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from kttt.documents import docx, pdf, xlsx
from kttt.documents.build import Request, build
from kttt.documents.content import Document
from kttt.documents.issuers import IssuerData
from kttt.documents.models import Report, ReportKind
from kttt.lib.errors import Refusal
from kttt.plans.models import Activity, Plan
from kttt.registry.models import AuditEntry, Entity, YearlyReport

FORMATS = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


class ReportError(Refusal):
    pass


__all__ = ["FORMATS", "ReportError", "Request", "build", "check", "rebuild", "record", "render"]


def last_change() -> dt.datetime | None:
    """The latest recorded change of the data reports are built from (cooperatives, their
    figures and history, plan activities): a hint for lists; the fingerprint decides."""
    stamps = [
        Entity.objects.aggregate(m=Max("updated_at"))["m"],
        YearlyReport.objects.aggregate(m=Max("updated_at"))["m"],
        AuditEntry.objects.aggregate(m=Max("at"))["m"],
        Activity.objects.aggregate(m=Max("updated_at"))["m"],
    ]
    known = [s for s in stamps if s is not None]
    return max(known) if known else None


def next_number(symbol: str, year: int) -> str:
    """The next number of the register for the symbol in the year ("05")."""
    used = [
        int(r.number)
        for r in Report.objects.filter(issued_on__year=year)
        if r.header.get("symbol") == symbol and r.number.isdigit()
    ]
    return f"{(max(used) + 1 if used else 1):02d}"


def request_of(report: Report) -> Request:
    h = report.header
    issuer = IssuerData(
        superior=h.get("superior", ""),
        agency=h.get("agency", ""),
        place=h.get("place", ""),
        symbol=h.get("symbol", ""),
        signer_authority=h.get("signer_authority", ""),
        signer_title=h.get("signer_title", ""),
        signer_name=h.get("signer_name", ""),
        recipients=list(h.get("recipients", [])),
    )
    return Request(
        kind=report.kind,
        area_code=report.area_code,
        issued_on=report.issued_on,
        issuer=issuer,
        year=report.year,
        plan=report.plan,
        number=report.number,
        coop_kind=h.get("coop_kind", "htx"),
        problems=report.problems,
        directions=report.directions,
    )


def check(request: Request) -> None:
    """The request makes sense: Vietnamese messages, nothing recorded."""
    if request.kind not in ReportKind.values:
        raise ReportError(_("Loại báo cáo không hợp lệ."))
    if request.kind == ReportKind.FINAL and request.plan is None:
        raise ReportError(_("Báo cáo tổng kết cần chọn đề án."))
    if request.kind == ReportKind.ANNUAL:
        if request.year is None:
            raise ReportError(_("Báo cáo năm cần chọn năm."))
        if request.year > request.issued_on.year:
            raise ReportError(
                _("Năm báo cáo %(year)s chưa kết thúc vào ngày báo cáo %(date)s.")
                % {"year": request.year, "date": request.issued_on.strftime("%d/%m/%Y")}
            )
        plan = request.plan
        if plan is not None and not plan.start_year <= request.year <= plan.end_year:
            raise ReportError(
                _("Năm %(year)s nằm ngoài kỳ của đề án (%(start)s–%(end)s).")
                % {"year": request.year, "start": plan.start_year, "end": plan.end_year}
            )
    if not request.issuer.agency.strip():
        raise ReportError(_("Cần ghi cơ quan ban hành."))
    if len(request.problems) > 20000 or len(request.directions) > 20000:
        raise ReportError(_("Phần V, VI dài quá 20.000 ký tự."))


def record(request: Request, user: Any = None) -> tuple[Report, Document]:
    """Build the report and enter it in the register (a blank number gets the next one)."""
    check(request)
    with transaction.atomic():
        number = request.number.strip() or next_number(
            request.issuer.symbol, request.issued_on.year
        )
        clash = [
            r
            for r in Report.objects.filter(issued_on__year=request.issued_on.year, number=number)
            if r.header.get("symbol") == request.issuer.symbol
        ]
        if clash:
            raise ReportError(
                _("Số %(number)s/%(symbol)s năm %(year)s đã dùng cho báo cáo khác.")
                % {
                    "number": number,
                    "symbol": request.issuer.symbol,
                    "year": request.issued_on.year,
                }
            )
        request.number = number
        document = build(request)
        report = Report.objects.create(
            kind=request.kind,
            year=request.year if request.kind == ReportKind.ANNUAL else None,
            area_code=request.area_code,
            plan=request.plan,
            issued_on=request.issued_on,
            number=number,
            header={**request.issuer.as_json(), "coop_kind": request.coop_kind},
            problems=request.problems,
            directions=request.directions,
            created_by=user if getattr(user, "pk", None) else None,
            data_as_of=last_change(),
            fingerprint=document.fingerprint(),
        )
    return report, document


def rebuild(report: Report) -> Document:
    return build(request_of(report))


@dataclass
class File:
    data: bytes
    content_type: str
    name: str


def render(document: Document, fmt: str, issued_on: dt.date) -> File:
    if fmt not in FORMATS:
        raise ReportError(_("Định dạng phải là docx, pdf hoặc xlsx."))
    if fmt == "xlsx":
        data = xlsx.render(document, issued_on)
    else:
        data = docx.render(document, issued_on)
        if fmt == "pdf":
            data = pdf.from_docx(data)
    return File(data, FORMATS[fmt], f"{document.slug}.{fmt}")


def area_of(plan: Plan | None, area_code: str | None) -> str:
    if area_code:
        return area_code.strip()
    if plan is not None:
        return plan.area_code
    from django.conf import settings

    return str(settings.KTTT_HOME_AREA)
