"""The register of reports (sổ báo cáo, issue 10): what the Reports page (/bao-cao/) lists,
decided by the same helpers (`kttt.access.documents`), and each report's files, built
again from its entry as the page's downloads are (`api_url`, with a key or the session;
`url` is the page's own address, for a browser)."""

import datetime as dt
from typing import Annotated, Any, Literal

from django.db.models import BooleanField, Case, Q, QuerySet, Value, When
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from ninja import Query, Router, Schema
from ninja.pagination import paginate
from pydantic import Field

from kttt.access.documents import access_report, reads_reports, reports_visible_to
from kttt.access.scope import scope_of
from kttt.api.core import Error, Pages
from kttt.api.figures import ERRORS, Year
from kttt.documents import register
from kttt.documents.models import Report
from kttt.lib.dates import year_end

router = Router(tags=["Báo cáo"])


class ReportFilter(Schema):
    kind: Literal["annual", "final"] | None = Field(
        None, description="annual (báo cáo năm) hoặc final (báo cáo tổng kết đề án)"
    )
    year: Year | None = Field(None, description="năm của báo cáo năm")


class ReportFormatOut(Schema):
    format: str
    content_type: str
    url: str = Field(description="tải về từ trang Báo cáo (phiên đăng nhập web)")
    api_url: str = Field(description="tải về qua API (khóa API hoặc phiên đăng nhập)")


class ReportOut(Schema):
    id: int
    number: str
    symbol: str
    kind: str
    kind_label: str
    year: int | None = Field(description="năm của báo cáo năm; null với báo cáo tổng kết")
    plan_id: int | None
    plan_name: str | None
    area_code: str
    area_name: str
    issued_on: dt.date
    author: str | None = Field(description="người lập; null nếu không còn biết")
    created_at: dt.datetime
    data_changed: bool = Field(
        description=(
            "đã có thay đổi số liệu sau khi lập báo cáo (gợi ý; trang của báo cáo so nội "
            "dung để biết báo cáo có khác không)"
        )
    )
    url: str = Field(description="trang của báo cáo")
    formats: list[ReportFormatOut]

    @staticmethod
    def resolve_symbol(obj: Report) -> str:
        return str(obj.header.get("symbol", ""))

    @staticmethod
    def resolve_kind_label(obj: Report) -> str:
        return str(obj.get_kind_display())

    @staticmethod
    def resolve_plan_name(obj: Report) -> str | None:
        return obj.plan.name if obj.plan is not None else None

    @staticmethod
    def resolve_area_name(obj: Report, context: Any) -> str:
        # As the register's page: the area read at 31/12 of the report's year, or of its
        # plan's last year for a final report.
        year = obj.year if obj.year is not None else obj.plan.end_year  # type: ignore[union-attr]
        area = scope_of(context["request"]).area_at(obj.area_code, year_end(year))
        return area.name if area is not None else obj.area_code

    @staticmethod
    def resolve_author(obj: Report) -> str | None:
        user = obj.created_by
        if user is None:
            return None
        return user.get_full_name() or user.get_username()

    @staticmethod
    def resolve_url(obj: Report) -> str:
        return reverse("documents:report_detail", args=[obj.pk])

    @staticmethod
    def resolve_formats(obj: Report) -> list[dict[str, str]]:
        return [
            {
                "format": fmt,
                "content_type": register.FORMATS[fmt],
                "url": reverse("documents:report_download", args=[obj.pk, fmt]),
                "api_url": reverse("api:report_file", args=[obj.pk, fmt]),
            }
            for fmt in sorted(register.FORMATS)
        ]


@router.get("/reports", response={200: list[ReportOut], **ERRORS}, url_name="report_list")
@paginate(Pages)
def report_list(request: HttpRequest, filters: Query[ReportFilter]) -> QuerySet[Report]:
    """The reports of the register the user may read, the newest first (as /bao-cao/). A
    user who reads no area's figures (a cooperative's representative) gets 404, as on the
    page."""
    if not reads_reports(request):
        raise Http404
    changed = register.last_change()
    stale = Q(data_as_of__isnull=True) | Q(data_as_of__lt=changed) if changed is not None else None
    reports = reports_visible_to(request).select_related("plan", "created_by")
    if filters.kind:
        reports = reports.filter(kind=filters.kind)
    if filters.year:
        reports = reports.filter(year=filters.year)
    return reports.annotate(
        data_changed=Case(When(stale, then=Value(True)), default=Value(False))
        if stale is not None
        else Value(False, output_field=BooleanField()),
    ).order_by("-issued_on", "-pk")


BINARY = {"schema": {"type": "string", "format": "binary"}}


@router.get(
    "/reports/{report_id}/files/{fmt}",
    response={400: Error, 401: Error, 403: Error, 404: Error},
    url_name="report_file",
    openapi_extra={
        "responses": {
            "200": {
                "description": "the file, built again from the register's entry",
                "content": dict.fromkeys(register.FORMATS.values(), BINARY),
            }
        }
    },
)
def report_file(
    request: HttpRequest,
    report_id: Annotated[int, Field(ge=1, le=2_147_483_647)],
    fmt: Literal["docx", "pdf", "xlsx"],
) -> HttpResponse:
    """A registered report as .docx, .pdf or .xlsx, built again from its entry exactly as
    the Reports page's download (the same number, date and data as when registered, unless
    the data changed since: see `data_changed`). A PDF needs LibreOffice on the server;
    without it the answer is 400 `refused` with a Vietnamese message."""
    report = access_report(request, report_id)
    file = register.render(register.rebuild(report), fmt, report.issued_on)
    response = HttpResponse(file.data, content_type=file.content_type)
    response["Content-Disposition"] = f'attachment; filename="{file.name}"'
    return response
