"""The Reports page (Báo cáo, /bao-cao/): the register of the reports made, the form that
makes one (data checks first, a preview, then "into the register and download"), a
report's page with its downloads, and the issuers' settings (docs/reports.md, "The Reports
page"). Who may do what is decided in kttt.access.documents."""

import datetime as dt
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from kttt.access.documents import (
    access_issuer,
    access_issuers,
    access_report,
    makes_reports,
    may_write_report,
    reads_reports,
    reports_visible_to,
    require_report,
)
from kttt.access.plans import access_plan, plans_open_to, reads_plan_in_full
from kttt.access.scope import Scope, scope_of, today
from kttt.areas.services import Area
from kttt.changes.replica import reading_replica
from kttt.documents import register
from kttt.documents.build import Request, build
from kttt.documents.forms import NO_PLAN, DetailsForm, IssuerForm, SelectionForm
from kttt.documents.issuers import IssuerData, issuer_for
from kttt.documents.models import Issuer, Report, ReportKind
from kttt.documents.preview import page_of, section_text
from kttt.documents.queries import plan_for_year
from kttt.indicators.engine import compute
from kttt.indicators.views import area_choices, default_area, findings
from kttt.lib.dates import format_date, year_end
from kttt.lib.errors import Refusal
from kttt.plans.models import Plan
from kttt.registry.models import Kind

# --- the register -------------------------------------------------------------------------


def _area_date(report: Report) -> dt.date:
    if report.year is not None:
        return year_end(report.year)
    assert report.plan is not None  # a final report names its plan
    return year_end(report.plan.end_year)


def _area_name(scope: Scope, report: Report) -> str:
    area = scope.area_at(report.area_code, _area_date(report))
    return area.name if area is not None else report.area_code


@login_required
def report_list(request: HttpRequest) -> HttpResponse:
    if not reads_reports(request):
        raise Http404
    scope = scope_of(request)
    reports = reports_visible_to(request).select_related("plan", "created_by")
    page = Paginator(reports.order_by("-issued_on", "-pk"), settings.KTTT_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    changed = register.last_change()
    rows = [
        {
            "report": r,
            "area_name": _area_name(scope, r),
            "changed": changed is not None and (r.data_as_of is None or changed > r.data_as_of),
        }
        for r in page
    ]
    context = {"page": page, "rows": rows, "can_make": makes_reports(request)}
    return render(request, "documents/report_list.html", context)


# --- making a report ------------------------------------------------------------------------


@dataclass
class Chosen:
    """What the report is on, read and allowed."""

    kind: str
    year: int | None
    area: Area
    area_code: str
    plan: Plan | None
    issued_on: dt.date

    @property
    def data_year(self) -> int:
        """The year whose figures the report shows (a final report: its plan's last)."""
        if self.kind == ReportKind.FINAL:
            assert self.plan is not None
            return self.plan.end_year
        assert self.year is not None
        return self.year

    def hidden(self) -> dict[str, str]:
        """The selection as the hidden fields of the details' form."""
        return {
            "kind": self.kind,
            "year": str(self.year or ""),
            "area": self.area_code,
            "plan": str(self.plan.pk) if self.plan else NO_PLAN,
            "issued_on": format_date(self.issued_on),
        }

    def request(self, issuer: IssuerData, details: dict[str, Any]) -> Request:
        return Request(
            kind=self.kind,
            area_code=self.area_code,
            issued_on=self.issued_on,
            issuer=issuer,
            year=self.year,
            plan=self.plan,
            number=details.get("number", ""),
            coop_kind=Kind.HTX,
            problems=details.get("problems", ""),
            directions=details.get("directions", ""),
        )


def _readable_plans(request: HttpRequest) -> list[Plan]:
    return [p for p in plans_open_to(request) if reads_plan_in_full(request, p)]


def _plan_asked(request: HttpRequest, raw: str, area: Area | None, year: int) -> Plan | None:
    """The plan chosen: none, the plan of exactly the area covering the year (when the user
    reads it), or the one named (404 unless the user reads it in full)."""
    if raw == NO_PLAN:
        return None
    if raw == "":
        if area is None:
            return None
        plan = plan_for_year(area.code, year) or plan_for_year(area.code.lstrip("0"), year)
        return plan if plan is not None and reads_plan_in_full(request, plan) else None
    plan = access_plan(request, raw)
    if not reads_plan_in_full(request, plan):
        raise Http404
    return plan


def read_selection(request: HttpRequest) -> tuple[SelectionForm, Chosen | None]:
    """The selection from the query (GET) or the form (POST), the defaults filled in. An
    area or a plan the user may not read answers 404; anything else that is wrong is an
    error of the form."""
    scope = scope_of(request)
    data = (request.POST if request.method == "POST" else request.GET).copy()
    if not data.get("kind"):
        data["kind"] = ReportKind.ANNUAL
    plans = _readable_plans(request)
    form = SelectionForm(
        data,
        default_year=today().year - 1,
        default_area=default_area(scope),
        plans=[(str(p.pk), f"{p.name} ({p.start_year}–{p.end_year})") for p in plans],
    )
    chosen = _chosen(request, form) if form.is_valid() else None
    year = form.cleaned_data.get("year") if form.is_valid() else None
    on = year_end(year or today().year - 1)
    asked = chosen.area if chosen is not None and chosen.kind == ReportKind.ANNUAL else None
    form.set_area_choices(area_choices(scope, on, asked))
    return form, chosen


def _chosen(request: HttpRequest, form: SelectionForm) -> Chosen | None:
    scope = scope_of(request)
    kind, year = form.cleaned_data["kind"], form.cleaned_data["year"]
    code, raw_plan = form.cleaned_data["area"], form.cleaned_data["plan"]
    issued_on = form.cleaned_data["issued_on"]
    if kind == ReportKind.FINAL:
        plan = _plan_asked(request, raw_plan, scope.area_at(code, year_end(year)), year)
        if plan is None:
            form.add_error("plan", _("Báo cáo tổng kết cần chọn đề án."))
            return None
        area = scope.area_at(plan.area_code, year_end(plan.end_year))
        if area is None:
            form.add_error("plan", _("Không đọc được địa bàn của đề án."))
            return None
        require_report(request, kind, plan.area_code, None, plan)
        return Chosen(kind, None, area, plan.area_code, plan, issued_on)
    area = scope.area_at(code, year_end(year))
    assert area is not None  # the form has read it
    if not scope.may_read_area(area.code, year_end(year)):
        raise Http404
    plan = _plan_asked(request, raw_plan, area, year)
    if plan is not None:
        plan_area = scope.area_at(plan.area_code, year_end(year))
        if plan_area is None or plan_area.code != area.code:
            form.add_error(
                "plan",
                _("Đề án “%(plan)s” là của địa bàn khác, không phải %(area)s.")
                % {"plan": plan.name, "area": area.name},
            )
            return None
    require_report(request, kind, area.code, year, plan)
    return Chosen(kind, year, area, area.code, plan, issued_on)


def _initial(chosen: Chosen) -> dict[str, Any]:
    """The details prefilled: the issuer of the area on the date, and sections V and VI as
    the report says them when the author writes nothing (what the data say)."""
    issuer = issuer_for(chosen.area_code, chosen.issued_on)
    document = build(chosen.request(issuer, {}))
    return {
        **issuer.as_json(),
        "recipients": "\n".join(issuer.recipients),
        "problems": section_text(document, "problems"),
        "directions": section_text(document, "directions"),
    }


def _issuer(details: DetailsForm) -> IssuerData:
    d = details.cleaned_data
    return IssuerData(
        superior=d["superior"],
        agency=d["agency"],
        place=d["place"],
        symbol=d["symbol"],
        signer_authority=d["signer_authority"],
        signer_title=d["signer_title"],
        signer_name=d["signer_name"],
        recipients=details.recipients_list(),
    )


@login_required
@reading_replica()
def report_create(request: HttpRequest) -> HttpResponse:
    """GET: the selection, its data checks and the details prefilled. POST: "preview"
    shows the report in the page, "record" enters it in the register and opens its page."""
    if not reads_reports(request):
        raise Http404
    form, chosen = read_selection(request)
    context: dict[str, Any] = {"form": form, "chosen": chosen}
    if chosen is None:
        return render(request, "documents/report_form.html", context, status=400)
    action = request.POST.get("action", "preview") if request.method == "POST" else ""
    if action == "record":
        require_report(request, chosen.kind, chosen.area_code, chosen.year, chosen.plan, write=True)
    scope = scope_of(request)
    result = compute(chosen.data_year, chosen.area_code)
    context.update(
        checks=findings(scope, result["checks"]),
        area=chosen.area,
        year=str(chosen.data_year),
        kind_label=Kind.HTX.label,
        approximate=result["area"]["approximate"],
        area_notes=result["area"]["notes"],
        hidden=chosen.hidden(),
        can_record=may_write_report(
            request, chosen.kind, chosen.area_code, chosen.year, chosen.plan
        ),
    )
    if request.method != "POST":
        context["details"] = DetailsForm(initial=_initial(chosen))
        return render(request, "documents/report_form.html", context)
    details = DetailsForm(request.POST)
    context["details"] = details
    if details.is_valid():
        report_request = chosen.request(_issuer(details), details.cleaned_data)
        try:
            if action == "record":
                report, _document = register.record(report_request, request.user)
                messages.success(
                    request,
                    _("Đã vào sổ báo cáo số %(number)s/%(symbol)s.")
                    % {"number": report.number, "symbol": report.header.get("symbol", "")},
                )
                return redirect("documents:report_detail", pk=report.pk)
            register.check(report_request)
            context["preview"] = page_of(build(report_request))
        except Refusal as exc:
            details.add_error(None, str(exc))
    status = 400 if details.errors else 200
    return render(request, "documents/report_form.html", context, status=status)


# --- a report of the register -----------------------------------------------------------------


@login_required
@reading_replica()
def report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    report = access_report(request, pk)
    document = register.rebuild(report)
    context = {
        "report": report,
        "area_name": _area_name(scope_of(request), report),
        "changed": document.fingerprint() != report.fingerprint,
        "preview": page_of(document),
        "formats": sorted(register.FORMATS),
        "again": reverse("documents:report_create")
        + "?"
        + urlencode(
            {
                "kind": report.kind,
                "year": report.year or "",
                "area": report.area_code,
                "plan": report.plan_id or NO_PLAN,
            }
        ),
    }
    return render(request, "documents/report_detail.html", context)


@login_required
@reading_replica()
def report_download(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    """The report built again from its entry, as a file; a PDF the server cannot make
    comes back as a message on the report's page."""
    if fmt not in register.FORMATS:
        raise Http404
    report = access_report(request, pk)
    document = register.rebuild(report)
    try:
        file = register.render(document, fmt, report.issued_on)
    except Refusal as exc:
        messages.error(request, str(exc))
        return redirect("documents:report_detail", pk=report.pk)
    response = HttpResponse(file.data, content_type=file.content_type)
    response["Content-Disposition"] = f'attachment; filename="{file.name}"'
    return response


# --- the issuers' settings ------------------------------------------------------------------


@login_required
def issuer_list(request: HttpRequest) -> HttpResponse:
    access_issuers(request)
    issuers = Issuer.objects.order_by("area_code", "valid_from", "pk")
    return render(request, "documents/issuer_list.html", {"issuers": issuers})


def _issuer_form(request: HttpRequest, instance: Issuer | None) -> HttpResponse:
    form = IssuerForm(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(
            request,
            _("Đã lưu cơ quan ban hành của địa bàn %(code)s.") % {"code": form.instance.area_code},
        )
        return redirect("documents:issuer_list")
    title = _("Sửa cơ quan ban hành") if instance else _("Thêm cơ quan ban hành")
    status = 400 if form.errors else 200
    return render(
        request, "documents/issuer_form.html", {"form": form, "title": title}, status=status
    )


@login_required
def issuer_create(request: HttpRequest) -> HttpResponse:
    access_issuers(request)
    return _issuer_form(request, None)


@login_required
def issuer_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _issuer_form(request, access_issuer(request, pk))
