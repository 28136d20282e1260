"""Yearly figures through their approval (docs/approval.md): the representative's page for
its own cooperative, sending a year for approval, the planning office's queue and its
approve / return / reopen, and who has not reported a year or reported late."""

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_http_methods, require_POST

from kttt.access.registry import (
    access_yearly,
    approves_figures,
    entities_approved_by,
    is_approver,
    may_change_yearly,
    represented_cooperatives,
)
from kttt.access.scope import (
    access_area,
    area_choices,
    default_area,
    require,
    scope_of,
    today,
)
from kttt.areas.services import AreaError
from kttt.lib.dates import year_end
from kttt.registry import services
from kttt.registry.forms import YearlyForm
from kttt.registry.models import (
    YEARLY_FIELDS,
    Entity,
    Kind,
    ReviewStatus,
    YearlyReport,
    YearlyReview,
)
from kttt.registry.queries import active_at, in_area, report_years
from kttt.registry.reporting import deadline, deadline_end
from kttt.registry.views import yearly_guard
from kttt.web import conflict_status, saved
from kttt.web.fields import VNForm


class CommentForm(VNForm):
    comment = forms.CharField(
        label=_lazy("Ý kiến"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


def reported_year() -> int:
    """The year a cooperative reports now: last year."""
    return today().year - 1


def history(report: YearlyReport | None) -> list[YearlyReview]:
    if report is None or report.pk is None:
        return []
    return list(report.reviews.select_related("user").order_by("at", "pk"))


def figure_rows(form: YearlyForm, before: YearlyReport | None) -> list[tuple[Any, Any]]:
    """Each field of the form beside last year's value."""
    return [
        (form[name], getattr(before, name) if before is not None else None)
        for name in YEARLY_FIELDS
    ]


# --- the representative's page -------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def my_cooperative(request: HttpRequest) -> HttpResponse:
    """This year's form, last year beside it, the status and the comments."""
    mine = represented_cooperatives(request)
    if not mine:
        raise Http404
    asked = request.GET.get("htx", "")
    entity = next((e for e in mine if e.code == asked), mine[0])
    year = reported_year()
    report = entity.reports.filter(year=year).first()
    before = entity.reports.filter(year=year - 1).first()
    locked = report is not None and not may_change_yearly(request, _with(report, entity))
    guard = yearly_guard(entity, year, report)
    form = YearlyForm(
        None if locked else (request.POST or None), entity=entity, year=year, initial=guard.initial
    )
    guard.track(form)
    send = request.POST.get("action") == "submit"

    def write() -> None:
        saved_report = services.save_yearly(
            entity=entity,
            year=year,
            values=form.values(),
            user=request.user,
            approve=approves_figures(request, entity),
        )
        if send and saved_report.status in (ReviewStatus.DRAFT, ReviewStatus.RETURNED):
            services.submit_yearly(report=saved_report, user=request.user)

    if not locked and saved(form, write, guard=guard):
        if send:
            messages.success(request, _("Đã gửi số liệu năm %(year)s để duyệt.") % {"year": year})
        else:
            messages.success(request, _("Đã lưu nháp số liệu năm %(year)s.") % {"year": year})
        return redirect(f"{request.path}?htx={entity.code}")
    context = {
        "entity": entity,
        "others": [e for e in mine if e.pk != entity.pk],
        "year": year,
        "report": report,
        "before": before,
        "locked": locked,
        "form": form,
        "rows": figure_rows(form, before),
        "history": history(report),
        "deadline": deadline(year),
    }
    return render(
        request,
        "registry/my_cooperative.html",
        context,
        status=conflict_status(form) if form.is_bound and form.errors else 200,
    )


def _with(report: YearlyReport, entity: Entity) -> YearlyReport:
    report.entity = entity
    return report


@login_required
@require_POST
def yearly_submit(request: HttpRequest, code: str, year: int) -> HttpResponse:
    """Send a year's figures for approval (from the cooperative's page)."""
    report = access_yearly(request, code, year)
    require(may_change_yearly(request, report))
    try:
        services.submit_yearly(report=report, user=request.user)
    except services.RegistryError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Đã gửi số liệu năm %(year)s để duyệt.") % {"year": year})
    return redirect("registry:entity_detail", code=code)


# --- the planning office --------------------------------------------------------------------


def bulk_approve(request: HttpRequest, form: CommentForm) -> bool:
    """Approve the rows ticked on the queue (?report=<id>, repeated), all or nothing: each
    must be a row the user approves, else nothing is approved and the form says why."""
    raw = request.POST.getlist("report")
    ids = {int(pk) for pk in raw if pk.isdigit()}
    mine = list(YearlyReport.objects.filter(pk__in=ids, entity__in=entities_approved_by(request)))
    if len(ids) != len(set(raw)) or len(mine) != len(ids):
        form.add_error(
            None,
            _(
                "Có dòng đã chọn không còn hoặc không thuộc địa bàn bạn duyệt; không dòng nào "
                "được duyệt."
            ),
        )
        return False
    done: list[int] = []

    def write() -> None:
        approved = services.approve_yearly_many(
            reports=mine, user=request.user, comment=form.cleaned_data["comment"]
        )
        done.append(len(approved))

    if not saved(form, write):
        return False
    messages.success(request, _("Đã duyệt %(n)s dòng số liệu năm.") % {"n": done[0]})
    return True


@login_required
@require_http_methods(["GET", "POST"])
def review_list(request: HttpRequest) -> HttpResponse:
    """The figures waiting for approval in the user's territory; ticked rows are approved
    together (POST)."""
    require(is_approver(request))
    form = CommentForm(request.POST or None)
    if request.method == "POST" and bulk_approve(request, form):
        return redirect("registry:review_list")
    waiting = (
        YearlyReport.objects.filter(
            status=ReviewStatus.SUBMITTED, entity__in=entities_approved_by(request)
        )
        .select_related("entity")
        .prefetch_related(
            Prefetch(
                "reviews",
                queryset=YearlyReview.objects.order_by("at", "pk"),
                to_attr="steps",
            )
        )
        .order_by("-year", "entity__sort_name")
    )
    rows = [(r, r.steps[-1] if r.steps else None) for r in waiting]  # type: ignore[attr-defined]
    ticked = {str(pk) for pk in request.POST.getlist("report")}
    context = {"rows": rows, "form": form, "ticked": ticked}
    status = 400 if form.is_bound and form.errors else 200
    return render(request, "registry/review_list.html", context, status=status)


ACTIONS = {
    "approve": (services.approve_yearly, "comment", _lazy("Đã duyệt số liệu năm %(year)s.")),
    "return": (services.return_yearly, "comment", _lazy("Đã trả lại số liệu năm %(year)s.")),
    "reopen": (services.reopen_yearly, "reason", _lazy("Đã mở lại số liệu năm %(year)s.")),
}


@login_required
@require_http_methods(["GET", "POST"])
def review_detail(request: HttpRequest, code: str, year: int) -> HttpResponse:
    """One year's figures beside the year before, their history, and the office's action."""
    report = access_yearly(request, code, year, review=True)
    # The figures shown are the figures approved: a change meanwhile refuses the step.
    guard = yearly_guard(report.entity, year, report)
    form = guard.track(CommentForm(request.POST or None))
    action = request.POST.get("action", "")
    if request.method == "POST" and action not in ACTIONS:
        form.add_error(None, _("Thao tác không hợp lệ."))
    elif request.method == "POST":
        service, argument, done = ACTIONS[action]
        if saved(
            form,
            lambda: service(
                report=report,
                user=request.user,
                **{argument: form.cleaned_data["comment"]},  # type: ignore[operator]
            ),
            guard=guard,
        ):
            messages.success(request, str(done) % {"year": year})
            return redirect("registry:review_list")
    if getattr(form, "conflict", False):
        report.refresh_from_db()  # show the figures as they are now
    before = report.entity.reports.filter(year=year - 1).first()
    rows = [
        (
            getattr(YearlyReport._meta.get_field(f), "verbose_name", f),
            getattr(before, f, None),
            getattr(report, f),
        )
        for f in YEARLY_FIELDS
    ]
    context = {
        "report": report,
        "entity": report.entity,
        "before": before,
        "rows": rows,
        "history": history(report),
        "form": form,
    }
    status = conflict_status(form) if form.is_bound and form.errors else 200
    return render(request, "registry/review_detail.html", context, status=status)


# --- who has reported -------------------------------------------------------------------------


def reporting_rows(request: HttpRequest, area_code: str, year: int) -> list[dict[str, Any]]:
    """Each active cooperative of the area at the year's end with where its report stands:
    not reported, draft, returned, reported late or on time."""
    area = access_area(request, area_code, year_end(year))
    population = active_at(in_area(Entity.objects.filter(kind=Kind.HTX), area), area.as_of)
    population = population.filter(pk__in=entities_approved_by(request).values("pk"))
    reports = {
        r.entity_id: r
        for r in YearlyReport.objects.filter(year=year, entity__in=population.values("pk"))
    }
    end = deadline_end(year)
    rows = []
    for entity in population.order_by("sort_name"):
        report = reports.get(entity.pk)
        if report is None or report.reported_at is None:
            state, css = (_("Chưa báo cáo"), "bad")
        elif report.reported_at >= end:
            state, css = (_("Báo cáo muộn"), "warn")
        else:
            state, css = (_("Đúng hạn"), "good")
        rows.append({"entity": entity, "report": report, "state": state, "css": css})
    return rows


FIRST_YEAR = 1990  # no cooperative of the registry reports before; a year menu starts here


def asked_year(raw: str | None) -> int:
    """The year of ?year=, last year when missing or not a year."""
    try:
        year = int(raw or "")
    except ValueError:
        return reported_year()
    return year if FIRST_YEAR <= year <= today().year else reported_year()


@login_required
def reporting_status(request: HttpRequest) -> HttpResponse:
    """The planning office's list of cooperatives that have not reported a year or were
    late, for an area and a year: both chosen from menus (?year=&area= keep working for
    links); the area menu lists the user's areas and the units of its territory that exist
    at the year's end."""
    require(is_approver(request))
    scope = scope_of(request)
    year = asked_year(request.GET.get("year"))
    area_code = (request.GET.get("area") or default_area(scope)).strip()[:10]
    menus = {
        "years": sorted({*report_years(), reported_year(), year}, reverse=True),
        "year": year,
        "area_code": area_code,
    }
    try:
        rows = reporting_rows(request, area_code, year)
    except AreaError as exc:
        menus["areas"] = area_choices(scope, year_end(year), None)
        return render(
            request,
            "registry/reporting_status.html",
            {"error": str(exc), **menus},
            status=400,
        )
    asked = scope.area_at(area_code, year_end(year))
    menus["areas"] = area_choices(scope, year_end(year), asked)
    menus["area_code"] = asked.code if asked is not None else area_code
    late = [r for r in rows if r["css"] != "good"]
    context = {
        **menus,
        "deadline": deadline(year),
        "rows": late if request.GET.get("tat_ca") != "1" else rows,
        "all": request.GET.get("tat_ca") == "1",
        "count_all": len(rows),
        "count_late": len(late),
        "past_deadline": today() > deadline(year),
    }
    return render(request, "registry/reporting_status.html", context)
