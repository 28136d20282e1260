"""Registry pages: the cooperative list, a cooperative's page and the forms that change it.

Thin on purpose: a form reads the input, an access helper fetches the object (404 for
another area, 403 for a read-only role), a service in `services.py` writes.
"""

import contextlib
import datetime as dt
import io
import json
from collections.abc import Callable, Iterable
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import FieldDoesNotExist
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.functional import Promise
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from kttt.access.registry import (
    access_entity,
    access_yearly,
    approves_figures,
    entities_visible_to,
    may_change_yearly,
    may_write_entity,
)
from kttt.access.scope import Scope, require, scope_of, today
from kttt.areas.models import Level, Unit
from kttt.areas.services import AreaError, resolve_area, unit_in_area_q
from kttt.lib.dates import format_date
from kttt.lib.numbers import format_number
from kttt.registry import queries, services, validation
from kttt.registry.forms import (
    EntityEditForm,
    EntityFilterForm,
    EntityForm,
    MoveForm,
    OcopForm,
    StatusForm,
    YearlyForm,
    placeable_communes,
)
from kttt.registry.models import (
    COUNT_FIELDS,
    MONEY_FIELDS,
    YEARLY_FIELDS,
    AuditEntry,
    Entity,
    Grade,
    Kind,
    OcopLevel,
    OcopProduct,
    ReviewStatus,
    Sector,
    Status,
    YearlyReport,
)
from kttt.web import Guard, conflict_status, is_partial, saved
from kttt.web.versions import Describe, changes_sentence, when

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
LEVEL_ORDER: dict[str, int] = {Level.PROVINCE: 0, Level.DISTRICT: 1, Level.COMMUNE: 2}
AUDIT_LIMIT = 200


# --- the list -------------------------------------------------------------------------


def area_choices(scope: Scope) -> list[tuple[str, str]]:
    """Area filter options: the user's own areas (a district that has ended included),
    then the units valid today within them."""
    on = today()
    own = [area for _m, area in scope.areas]
    units = Unit.objects.valid_at(on)
    if scope.is_admin:
        with contextlib.suppress(AreaError):
            own.insert(0, resolve_area(settings.KTTT_HOME_AREA, on))
    else:
        condition = Q(pk__in=[])
        for area in own:
            condition |= unit_in_area_q(area)
        units = units.filter(condition)
    choices: dict[str, str] = {}
    for area in own:
        choices.setdefault(area.code, area.unit.label if area.unit else area.name)
    for unit in sorted(units, key=lambda u: (LEVEL_ORDER.get(u.level, 9), u.sort_name)):
        choices.setdefault(unit.code, unit.name)
    return list(choices.items())


def listed_entities(scope: Scope, form: EntityFilterForm) -> QuerySet[Entity]:
    """The visible entities matching the filters, with today's status and commune
    (`queries.listed`, which the API's list shares)."""
    on = today()
    entities = entities_visible_to(scope)
    area = None
    if code := form.value("area"):
        try:
            area = resolve_area(code, on)
        except AreaError:
            entities = entities.none()
    return queries.listed(
        entities,
        on=on,
        text=form.value("q"),
        area=area,
        sector=form.value("sector"),
        kind=form.value("kind"),
        status=form.value("status"),
    ).order_by("sort_name", "code")


@login_required
def entity_list(request: HttpRequest) -> HttpResponse:
    scope = scope_of(request)
    form = EntityFilterForm(request.GET, areas=area_choices(scope))
    entities = listed_entities(scope, form)
    page = Paginator(entities, settings.KTTT_PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {"form": form, "page": page, "query": query.urlencode()}
    template = "registry/entity_list.html"
    if is_partial(request):
        template = "registry/_entity_results.html"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


@login_required
def entity_export(request: HttpRequest) -> HttpResponse:
    """The filtered list as the import template (DOMAIN.md §6), so it can be re-imported."""
    from kttt.registry.excel import export_workbook

    scope = scope_of(request)
    form = EntityFilterForm(request.GET, areas=area_choices(scope))
    workbook = io.BytesIO()
    export_workbook(listed_entities(scope, form), workbook)
    response = HttpResponse(workbook.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="htx-{today():%Y%m%d}.xlsx"'
    return response


# --- a cooperative's page ---------------------------------------------------------------


def entity_context(request: HttpRequest, entity: Entity) -> dict[str, Any]:
    scope = scope_of(request)
    on = today()
    statuses = list(entity.status_changes.order_by("date", "pk"))
    locations = list(entity.locations.select_related("unit", "succession").order_by("valid_from"))
    current_status = next(
        (s.status for s in reversed(statuses) if s.date <= on), Status.ACTIVE.value
    )
    current_location = next((loc for loc in reversed(locations) if loc.valid_from <= on), None)
    products = list(entity.ocop_products.order_by("-recognized_on", "name"))
    for product in products:
        product.expired = product.valid_until <= on  # type: ignore[attr-defined]
    entries = list(entity.audit_entries.select_related("user")[: AUDIT_LIMIT + 1])
    return {
        "entity": entity,
        "current_status": current_status,
        "current_location": current_location,
        "statuses": statuses,
        "locations": locations,
        "reports": list(entity.reports.order_by("-year")),
        "products": products,
        "audit": audit_rows(entries[:AUDIT_LIMIT]),
        "audit_truncated": len(entries) > AUDIT_LIMIT,
        "can_edit": may_write_entity(scope, entity, "registry"),
        "can_figures": may_write_entity(scope, entity, "figures"),
        "can_review": approves_figures(scope, entity),
    }


@login_required
def entity_detail(request: HttpRequest, code: str) -> HttpResponse:
    entity = access_entity(request, code)
    return render(request, "registry/entity_detail.html", entity_context(request, entity))

    # --- forms ----------------------------------------------------------------------------


YEARLY_HELP = gettext_lazy(
    "Số liệu một năm của HTX; Phòng Tài chính - Kế hoạch lưu là số liệu đã duyệt, xã và HTX "
    "lưu là bản nháp rồi gửi duyệt."
)
OCOP_HELP = gettext_lazy(
    "Sản phẩm OCOP của HTX với số sao và ngày công nhận; sản phẩm còn hiệu lực được tính vào "
    "chỉ tiêu OCOP."
)


def form_page(
    request: HttpRequest,
    form: Any,
    *,
    title: str,
    entity: Entity | None = None,
    submit: str | None = None,
    status: int = 200,
    help: str | Promise = "",
) -> HttpResponse:
    cancel = (
        reverse("registry:entity_detail", args=[entity.code])
        if entity
        else reverse("registry:entity_list")
    )
    context = {
        "form": form,
        "title": title,
        "entity": entity,
        "cancel_url": cancel,
        "submit": submit or _("Lưu"),
        "help": help,
    }
    return render(
        request,
        "registry/form.html",
        context,
        status=conflict_status(form) if form.is_bound and form.errors else status,
    )


def to_detail(entity: Entity) -> HttpResponse:
    return redirect("registry:entity_detail", code=entity.code)


@login_required
@require_http_methods(["GET", "POST"])
def entity_create(request: HttpRequest) -> HttpResponse:
    scope = scope_of(request)
    require(scope.can_create_entities())
    form = EntityForm(request.POST or None, scope=scope, initial={"kind": "htx"})
    if saved(
        form,
        lambda: services.create_entity(
            code=form.cleaned_data["code"],
            unit=form.cleaned_data["unit"],
            values=form.values(),
            user=request.user,
        ),
    ):
        messages.success(request, _("Đã thêm %(name)s.") % {"name": form.cleaned_data["name"]})
        return redirect("registry:entity_detail", code=form.cleaned_data["code"])
    return form_page(
        request,
        form,
        title=_("Thêm HTX / THT"),
        help=_(
            "Ghi một HTX, liên hiệp HTX hoặc tổ hợp tác mới vào sổ; sau khi lưu, trang hồ sơ của "
            "đơn vị mở ra để nhập số liệu năm."
        ),
    )


@login_required
@require_http_methods(["GET", "POST"])
def entity_edit(request: HttpRequest, code: str) -> HttpResponse:
    entity = access_entity(request, code, write="registry")
    guard = entity_guard(entity)
    form = EntityEditForm(request.POST or None, scope=scope_of(request), initial=guard.initial)
    guard.track(form)
    if saved(
        form,
        lambda: services.update_entity(entity=entity, values=form.values(), user=request.user),
        guard=guard,
    ):
        messages.success(request, _("Đã lưu thông tin HTX."))
        return to_detail(entity)
    return form_page(
        request,
        form,
        title=_("Sửa thông tin HTX"),
        entity=entity,
        help=_("Sửa thông tin chung của HTX; mỗi thay đổi được ghi vào lịch sử thay đổi."),
    )


@login_required
@require_http_methods(["GET", "POST"])
def entity_status(request: HttpRequest, code: str) -> HttpResponse:
    entity = access_entity(request, code, write="registry")
    form = StatusForm(request.POST or None, initial={"date": today()})
    if saved(
        form,
        lambda: services.change_status(
            entity=entity,
            status=form.cleaned_data["status"],
            date=form.cleaned_data["date"],
            note=form.cleaned_data["note"],
            user=request.user,
        ),
    ):
        messages.success(request, _("Đã ghi nhận thay đổi trạng thái."))
        return to_detail(entity)
    return form_page(
        request,
        form,
        title=_("Đổi trạng thái"),
        entity=entity,
        help=_(
            "Ghi trạng thái mới của HTX từ ngày đã chọn; các trạng thái trước vẫn được giữ "
            "trong lịch sử."
        ),
    )


@login_required
@require_http_methods(["GET", "POST"])
def entity_move(request: HttpRequest, code: str) -> HttpResponse:
    entity = access_entity(request, code, write="registry")
    form = MoveForm(request.POST or None, scope=scope_of(request), initial={"date": today()})
    if saved(
        form,
        lambda: services.move_entity(
            entity=entity,
            unit=form.cleaned_data["unit"],
            date=form.cleaned_data["date"],
            note=form.cleaned_data["note"],
            user=request.user,
        ),
    ):
        messages.success(request, _("Đã ghi nhận chuyển địa bàn."))
        return to_detail(entity)
    return form_page(
        request,
        form,
        title=_("Chuyển địa bàn"),
        entity=entity,
        help=_(
            "Ghi xã mới nơi HTX đặt trụ sở từ ngày đã chọn; nơi đặt trụ sở trước đó vẫn được giữ "
            "trong lịch sử."
        ),
    )


@login_required
def commune_options(request: HttpRequest) -> HttpResponse:
    """<option>s of the communes valid at a date, for the HTMX refresh of a commune select."""
    raw = request.GET.get("established_on") or request.GET.get("date") or ""
    try:
        on = validation.date(raw) or today()
    except validation.Invalid:
        on = today()
    units = placeable_communes(scope_of(request), on)
    selected = request.GET.get("unit", "")
    return render(request, "registry/_commune_options.html", {"units": units, "selected": selected})


@login_required
@require_http_methods(["GET", "POST"])
def yearly_create(request: HttpRequest, code: str) -> HttpResponse:
    entity = access_entity(request, code, write="figures")
    form = YearlyForm(request.POST or None, entity=entity, initial={"year": today().year - 1})
    if saved(
        form,
        lambda: services.save_yearly(
            entity=entity,
            year=form.the_year,
            values=form.values(),
            user=request.user,
            approve=approves_figures(request, entity),
        ),
    ):
        messages.success(request, _("Đã lưu số liệu năm %(year)s.") % {"year": form.the_year})
        return to_detail(entity)
    return form_page(
        request,
        form,
        title=_("Thêm số liệu năm"),
        entity=entity,
        help=YEARLY_HELP,
    )


@login_required
@require_http_methods(["GET", "POST"])
def yearly_edit(request: HttpRequest, code: str, year: int) -> HttpResponse:
    report = access_yearly(request, code, year)
    entity = report.entity
    require(may_change_yearly(request, report))
    guard = yearly_guard(entity, year, report)
    form = YearlyForm(request.POST or None, entity=entity, year=year, initial=guard.initial)
    guard.track(form)
    if saved(
        form,
        lambda: services.save_yearly(
            entity=entity,
            year=year,
            values=form.values(),
            user=request.user,
            approve=approves_figures(request, entity),
        ),
        guard=guard,
    ):
        messages.success(request, _("Đã lưu số liệu năm %(year)s.") % {"year": year})
        return to_detail(entity)
    return form_page(
        request,
        form,
        entity=entity,
        title=_("Sửa số liệu năm %(year)s") % {"year": year},
        help=YEARLY_HELP,
    )


@login_required
@require_http_methods(["GET", "POST"])
def yearly_delete(request: HttpRequest, code: str, year: int) -> HttpResponse:
    report = access_yearly(request, code, year)
    entity = report.entity
    require(may_change_yearly(request, report))
    if request.method == "POST":
        services.delete_yearly(report=report, user=request.user)
        messages.success(request, _("Đã xóa số liệu năm %(year)s.") % {"year": year})
        return to_detail(entity)
    what = _("số liệu năm %(year)s") % {"year": year}
    return render(request, "registry/confirm_delete.html", {"entity": entity, "what": what})


@login_required
@require_http_methods(["GET", "POST"])
def ocop_create(request: HttpRequest, code: str) -> HttpResponse:
    entity = access_entity(request, code, write="figures")
    form = OcopForm(request.POST or None, entity=entity)
    if saved(
        form,
        lambda: services.save_ocop(
            entity=entity, name=form.cleaned_data["name"], values=form.values(), user=request.user
        ),
    ):
        messages.success(request, _("Đã thêm sản phẩm OCOP."))
        return to_detail(entity)
    return form_page(request, form, title=_("Thêm sản phẩm OCOP"), entity=entity, help=OCOP_HELP)


@login_required
@require_http_methods(["GET", "POST"])
def ocop_edit(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    entity = access_entity(request, code, write="figures")
    product = get_object_or_404(entity.ocop_products, pk=pk)
    guard = ocop_guard(entity, product)
    form = OcopForm(request.POST or None, entity=entity, product=product, initial=guard.initial)
    guard.track(form)
    if saved(
        form,
        lambda: services.save_ocop(
            entity=entity,
            name=form.cleaned_data["name"],
            values=form.values(),
            product=product,
            user=request.user,
        ),
        guard=guard,
    ):
        messages.success(request, _("Đã lưu sản phẩm OCOP."))
        return to_detail(entity)
    return form_page(request, form, title=_("Sửa sản phẩm OCOP"), entity=entity, help=OCOP_HELP)


@login_required
@require_http_methods(["GET", "POST"])
def ocop_delete(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    entity = access_entity(request, code, write="figures")
    product = get_object_or_404(entity.ocop_products, pk=pk)
    if request.method == "POST":
        services.delete_ocop(product=product, user=request.user)
        messages.success(request, _("Đã xóa sản phẩm OCOP."))
        return to_detail(entity)
    what = _("sản phẩm OCOP “%(name)s”") % {"name": product.name}
    return render(request, "registry/confirm_delete.html", {"entity": entity, "what": what})


# --- change history -------------------------------------------------------------------

FIELD_LABELS: dict[str, Any] = {
    "code": gettext_lazy("Mã số HTX"),
    "unit": gettext_lazy("Địa bàn"),
    "status": gettext_lazy("Trạng thái"),
    "date": gettext_lazy("Ngày"),
    "review": gettext_lazy("Tình trạng duyệt"),
    "comment": gettext_lazy("Ý kiến"),
}
CHOICES: dict[str, Any] = {
    "kind": Kind,
    "sector": Sector,
    "status": Status,
    "grade": Grade,
    "level": OcopLevel,
    "review": ReviewStatus,
}
# Who made a change when no user did (imports from the command line, the demo loader).
SOURCES: dict[str, Any] = {
    "web": gettext_lazy("Trang web"),
    "import": gettext_lazy("Nhập Excel"),
    "demo": gettext_lazy("Dữ liệu mẫu"),
    "command": gettext_lazy("Dòng lệnh"),
    "api": gettext_lazy("API"),
}
DATE_FIELDS = {"established_on", "recognized_on", "date"}
NUMBER_FIELDS = {*COUNT_FIELDS, *MONEY_FIELDS, "stars"}


def field_label(field: str) -> str:
    if field in FIELD_LABELS:
        return str(FIELD_LABELS[field])
    for model in (Entity, YearlyReport, OcopProduct):
        try:
            found = model._meta.get_field(field)
        except FieldDoesNotExist:
            continue
        return capfirst(str(getattr(found, "verbose_name", field)))
    return field


def shown(field: str, value: Any) -> str:
    """A value recorded in an audit entry, written for a person."""
    if value is None or value == "":
        return "–"
    if isinstance(value, bool):
        return str(_("Có") if value else _("Không"))
    if field in CHOICES:
        try:
            return str(CHOICES[field](value).label)
        except ValueError:
            return str(value)
    if field in DATE_FIELDS and isinstance(value, str):
        try:
            return format_date(dt.date.fromisoformat(value))
        except ValueError:
            return value
    if field in NUMBER_FIELDS:
        try:
            return format_number(Decimal(str(value)), 3)
        except InvalidOperation:
            return str(value)
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def target_label(target: str) -> str:
    kind, _sep, rest = target.partition(":")
    labels = {
        "entity": _("Thông tin HTX"),
        "status": _("Trạng thái"),
        "location": _("Địa bàn"),
        "yearly": _("Số liệu năm %(year)s") % {"year": rest},
        "ocop": _("Sản phẩm OCOP “%(name)s”") % {"name": rest},
    }
    return labels.get(kind, target)


def audit_rows(entries: list[AuditEntry]) -> list[dict[str, Any]]:
    return [
        {
            "at": entry.at,
            "who": (entry.user.get_full_name() or entry.user.get_username())
            if entry.user
            else str(SOURCES.get(entry.source, entry.source)),
            "action": entry.get_action_display(),
            "target": target_label(entry.target),
            "changes": [
                (field_label(field), shown(field, pair[0]), shown(field, pair[1]))
                for field, pair in entry.changes.items()
                if isinstance(pair, list) and len(pair) == 2
            ],
        }
        for entry in entries
    ]


# --- conflicts (optimistic locking, kttt.web.versions) --------------------------------


def last_change(entity: Entity, target: Callable[[Any], str], fields: Iterable[str]) -> Describe:
    """Who last changed, in the audit trail, one of `fields` of the record `target` names
    (a function of the record read again), when, and what: for a conflict's message."""

    def describe(fresh: Any) -> str:
        entry = (
            entity.audit_entries.filter(target=target(fresh), changes__has_any_keys=list(fields))
            .select_related("user")
            .first()
        )
        if entry is None:
            return ""
        row = audit_rows([entry])[0]
        message = _("Bản ghi này đã được %(who)s sửa lúc %(at)s sau khi bạn đọc") % {
            "who": row["who"],
            "at": when(entry.at),
        }
        if what := changes_sentence(row["changes"]):
            message += f" ({what})"
        return f"{message}."

    return describe


def entity_guard(entity: Entity) -> Guard:
    def initial_of(e: Entity) -> dict[str, Any]:
        return {f: getattr(e, f) for f in services.ENTITY_FIELDS}

    describe = last_change(entity, lambda _e: "entity", services.ENTITY_FIELDS)
    return Guard(entity, initial_of, describe)


def yearly_values(report: YearlyReport) -> dict[str, Any]:
    """A year's figures as the yearly form shows them (and the API's `version` reads)."""
    return {f: getattr(report, f) for f in YEARLY_FIELDS}


def yearly_guard(entity: Entity, year: int, report: YearlyReport | None) -> Guard:
    """A year's figures of a cooperative (`report` None: not written yet, so a row written
    meanwhile by someone else is a conflict too)."""
    describe = last_change(entity, lambda _r: f"yearly:{year}", YEARLY_FIELDS)
    if report is not None:
        return Guard(report, yearly_values, describe)
    lookup = {"entity": entity, "year": year}
    return Guard(None, yearly_values, describe, model=YearlyReport, lookup=lookup)


def ocop_guard(entity: Entity, product: OcopProduct) -> Guard:
    fields = ("name", *services.OCOP_FIELDS)

    def initial_of(p: OcopProduct) -> dict[str, Any]:
        return {f: getattr(p, f) for f in fields}

    describe = last_change(entity, lambda p: f"ocop:{p.name}", fields)
    return Guard(product, initial_of, describe)
