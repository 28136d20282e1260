"""The registry's cooperatives, their yearly figures and OCOP products (DOMAIN.md §2), as the
pages show them to the same user: the list is the page /htx/'s (`queries.listed` over
`entities_visible_to`), a cooperative is fetched by `access_entity` (404 outside the
territory, 403 for a change the role may not make), and a year's figures are written by
`services.save_yearly` and sent by `services.submit_yearly`, with `approve=` decided by
`approves_figures` exactly as the page decides it."""

import datetime as dt
import json
from decimal import Decimal
from typing import Annotated, Any, Literal

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from ninja import Path, Query, Router, Schema
from ninja.pagination import paginate
from ninja.responses import Status as Answer
from pydantic import Field

from kttt.access.registry import (
    access_entity,
    access_yearly,
    approves_figures,
    entities_visible_to,
    may_change_yearly,
)
from kttt.access.scope import today
from kttt.api.core import Error, Pages, error
from kttt.api.figures import ERRORS, AreaCode
from kttt.areas.services import resolve_area
from kttt.registry import queries, rules, services
from kttt.registry.models import (
    YEARLY_FIELDS,
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
from kttt.registry.views import yearly_guard, yearly_values
from kttt.web.values import MAX_COUNT, MAX_MONEY, MIN_YEAR
from kttt.web.versions import version_of

router = Router(tags=["Hợp tác xã"])

# The examples are the demo's HTX Nông nghiệp Phúc Hưng and a year it reported: the fuzzing
# of `make test` (tests/api/test_fuzz.py) starts from them, so that it reaches a real row.
Code = Annotated[
    str,
    Path(
        pattern=r"^[A-Za-z0-9-]{1,20}$",
        description="mã số HTX",
        examples=["6200000001"],
    ),
]
YearPath = Annotated[
    int,
    Path(ge=MIN_YEAR, le=2100, description="năm của số liệu", examples=[2023]),
]
FIRST_DAY, LAST_DAY = dt.date(MIN_YEAR, 1, 1), dt.date(2100, 12, 31)


def label_of(choices: Any, value: str) -> str:
    return str(choices(value).label) if value else ""


# --- schemas ------------------------------------------------------------------------------


class CommuneOut(Schema):
    code: str
    name: str


class CooperativeOut(Schema):
    """A cooperative as the list shows it, with its status and commune today."""

    code: str
    name: str
    kind: str
    kind_label: str
    sector: str
    sector_label: str
    status: str = Field(description="trạng thái hôm nay")
    status_label: str
    established_on: dt.date
    commune: CommuneOut | None = Field(description="xã, phường, thị trấn hôm nay")
    address: str
    phone: str
    representative: str


class StatusOut(Schema):
    status: str
    label: str
    date: dt.date = Field(description="từ ngày")
    valid_to: dt.date | None = Field(description="đến hết ngày; null: đến nay")
    note: str


class UnitOut(Schema):
    code: str
    name: str
    valid_from: dt.date | None = Field(description="đơn vị có hiệu lực từ ngày")
    valid_to: dt.date | None = Field(description="đơn vị có hiệu lực đến hết ngày")


class LocationOut(Schema):
    unit: UnitOut
    valid_from: dt.date = Field(description="HTX đặt trụ sở ở đơn vị này từ ngày")
    valid_to: dt.date | None = Field(description="đến hết ngày; null: đến nay")
    by_succession: bool = Field(description="do sắp xếp đơn vị hành chính")
    succession_verified: bool | None
    note: str


class OcopOut(Schema):
    name: str
    stars: int
    recognized_on: dt.date
    level: str
    level_label: str
    valid_until: dt.date = Field(
        description="ngày công nhận + 36 tháng: còn hiệu lực trước ngày này"
    )
    valid: bool = Field(description="còn hiệu lực hôm nay")


class CooperativeDetailOut(CooperativeOut):
    is_model_coop: bool
    listed_publicly: bool
    statuses: list[StatusOut] = Field(
        description="các lần đổi trạng thái; trước lần đầu: đang hoạt động từ ngày thành lập"
    )
    locations: list[LocationOut]
    yearly_years: list[int] = Field(description="các năm có số liệu, mới nhất trước")
    ocop_products: list[OcopOut]


Count = Annotated[int | None, Field(None, ge=0, le=MAX_COUNT)]
Money = Annotated[Decimal | None, Field(None, ge=0, le=MAX_MONEY, decimal_places=3)]
Profit = Annotated[Decimal | None, Field(None, ge=-MAX_MONEY, le=MAX_MONEY, decimal_places=3)]
GradeIn = Literal["tot", "kha", "trung_binh", "yeu", ""]


class YearlyIn(Schema):
    """Every figure of a year (the yearly form's fields). A figure left out or null is
    unknown, not zero: the row is replaced as a whole."""

    members: Count = None
    workers: Count = None
    workers_trained: Count = None
    managers: Count = None
    managers_primary: Count = None
    managers_intermediate: Count = None
    managers_college: Count = None
    managers_university: Count = None
    charter_capital: Money = None
    revenue: Money = None
    profit: Profit = None
    income_avg: Money = None
    tax: Money = None
    grade: GradeIn | None = None
    hightech: bool = False
    value_chain: bool = False
    version: str | None = Field(
        None,
        max_length=64,
        pattern=r"^[0-9a-f]{1,64}$",
        description=(
            "`version` của dòng khi đọc (`0`: chưa có dòng); dòng đã đổi từ đó: 409 "
            "`conflict`, không ghi gì. Bỏ trống: ghi đè, không kiểm tra"
        ),
    )


class ReviewOut(Schema):
    code: str = Field(description="draft, submitted, returned hoặc approved")
    label: str = Field(description="Nháp, Đã gửi, Trả lại hoặc Đã duyệt")


class YearlyOut(Schema):
    year: int
    members: int | None
    workers: int | None
    workers_trained: int | None
    managers: int | None
    managers_primary: int | None
    managers_intermediate: int | None
    managers_college: int | None
    managers_university: int | None
    charter_capital: float | None
    revenue: float | None
    profit: float | None
    income_avg: float | None
    tax: float | None
    grade: str
    grade_label: str
    hightech: bool
    value_chain: bool
    review: ReviewOut
    locked: bool = Field(description="đã duyệt: chỉ người duyệt sửa được")
    reported_at: dt.datetime | None
    version: str = Field(
        description="phiên bản số liệu; gửi lại khi ghi (PUT) để không ghi đè thay đổi khác"
    )


class ListFilter(Schema):
    area: AreaCode | None = Field(None, description="mã địa bàn, đọc tại ngày `on`")
    on: dt.date | None = Field(
        None, ge=FIRST_DAY, le=LAST_DAY, description="ngày đọc mã địa bàn; mặc định hôm nay"
    )
    kind: Kind | None = None
    sector: Sector | None = None
    status: Status | None = Field(None, description="trạng thái hôm nay")
    q: str | None = Field(
        None,
        max_length=200,
        pattern=r"^[^\x00-\x1f\x7f]*$",  # no control characters (PostgreSQL refuses NUL)
        description="tên hoặc mã số, không cần dấu",
    )


# --- building the answers -------------------------------------------------------------------


def cooperative(entity: Entity, status: str, commune: CommuneOut | None) -> dict[str, Any]:
    return {
        "code": entity.code,
        "name": entity.name,
        "kind": entity.kind,
        "kind_label": label_of(Kind, entity.kind),
        "sector": entity.sector,
        "sector_label": label_of(Sector, entity.sector),
        "status": status,
        "status_label": label_of(Status, status),
        "established_on": entity.established_on,
        "commune": commune,
        "address": entity.address,
        "phone": entity.phone,
        "representative": entity.representative,
    }


def listed_item(entity: Any) -> dict[str, Any]:
    commune = None
    if entity.commune_code is not None:
        commune = CommuneOut(code=entity.commune_code, name=entity.commune_name)
    return cooperative(entity, entity.current_status, commune)


def money(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def yearly_item(report: YearlyReport) -> dict[str, Any]:
    item: dict[str, Any] = {f: getattr(report, f) for f in YEARLY_FIELDS}
    for field in ("charter_capital", "revenue", "profit", "income_avg", "tax"):
        item[field] = money(item[field])
    item.update(
        year=report.year,
        grade_label=label_of(Grade, report.grade),
        review={"code": report.status, "label": label_of(ReviewStatus, report.status)},
        locked=report.locked,
        reported_at=report.reported_at,
        version=version_of(yearly_values(report)),
    )
    return item


def ocop_item(product: OcopProduct, on: dt.date) -> dict[str, Any]:
    return {
        "name": product.name,
        "stars": product.stars,
        "recognized_on": product.recognized_on,
        "level": product.level,
        "level_label": label_of(OcopLevel, product.level),
        "valid_until": product.valid_until,
        "valid": product.recognized_on <= on < product.valid_until,
    }


def products_of(entity: Entity) -> list[dict[str, Any]]:
    on = today()
    products = entity.ocop_products.order_by("-recognized_on", "name")
    return [ocop_item(p, on) for p in products]


# --- the cooperatives -----------------------------------------------------------------------


@router.get(
    "/cooperatives", response={200: list[CooperativeOut], **ERRORS}, url_name="cooperative_list"
)
@paginate(Pages)
def cooperative_list(request: HttpRequest, filters: Query[ListFilter]) -> Any:
    """The cooperatives the user sees, as the list page /htx/ shows them, ordered by code.
    `area` is read at `on` (default today) and keeps those located in that area then;
    `status` and the commune are today's; `q` finds every word, ignoring case and
    diacritics, in the name or the code."""
    on = today()
    area = resolve_area(filters.area, filters.on or on) if filters.area else None
    found = queries.listed(
        entities_visible_to(request),
        on=on,
        text=filters.q or "",
        area=area,
        sector=filters.sector or "",
        kind=filters.kind or "",
        status=filters.status or "",
    )
    return ListedItems(found.order_by("code"))


class ListedItems:
    """The queryset for the paginator (count, slice), each item built as the answer's."""

    def __init__(self, queryset: Any) -> None:
        self.queryset = queryset

    def all(self) -> Any:
        return self.queryset

    def __getitem__(self, window: slice) -> list[dict[str, Any]]:
        return [listed_item(e) for e in self.queryset[window]]


@router.get(
    "/cooperatives/{code}",
    response={200: CooperativeDetailOut, **ERRORS},
    url_name="cooperative_detail",
)
def cooperative_detail(request: HttpRequest, code: Code) -> Any:
    """A cooperative with its status and location histories, the years that have figures
    and its OCOP products. Outside the user's territory: 404."""
    entity = access_entity(request, code)
    on = today()
    statuses = list(entity.status_changes.order_by("date", "pk"))
    locations = list(entity.locations.select_related("unit", "succession").order_by("valid_from"))
    status = next((s.status for s in reversed(statuses) if s.date <= on), Status.ACTIVE.value)
    here = next((loc for loc in reversed(locations) if loc.valid_from <= on), None)
    commune = CommuneOut(code=here.unit.code, name=here.unit.name) if here else None
    return {
        **cooperative(entity, status, commune),
        "is_model_coop": entity.is_model_coop,
        "listed_publicly": entity.listed_publicly,
        "statuses": [
            {
                "status": s.status,
                "label": label_of(Status, s.status),
                "date": s.date,
                "valid_to": s.valid_to,
                "note": s.note,
            }
            for s in statuses
        ],
        "locations": [
            {
                "unit": {
                    "code": loc.unit.code,
                    "name": loc.unit.name,
                    "valid_from": loc.unit.valid_from,
                    "valid_to": loc.unit.valid_to,
                },
                "valid_from": loc.valid_from,
                "valid_to": loc.valid_to,
                "by_succession": loc.succession_id is not None,
                "succession_verified": loc.succession.verified if loc.succession else None,
                "note": loc.note,
            }
            for loc in locations
        ],
        "yearly_years": list(entity.reports.order_by("-year").values_list("year", flat=True)),
        "ocop_products": products_of(entity),
    }


# --- yearly figures -------------------------------------------------------------------------


@router.get(
    "/cooperatives/{code}/yearly", response={200: list[YearlyOut], **ERRORS}, url_name="yearly_list"
)
def yearly_list(request: HttpRequest, code: Code) -> Any:
    """Every year's figures of the cooperative, newest first, with where each stands in its
    approval (as the cooperative's page shows them). Money in triệu đồng."""
    entity = access_entity(request, code)
    return [yearly_item(r) for r in entity.reports.order_by("-year")]


@router.get(
    "/cooperatives/{code}/yearly/{year}",
    response={200: YearlyOut, **ERRORS},
    url_name="yearly_detail",
)
def yearly_detail(request: HttpRequest, code: Code, year: YearPath) -> Any:
    """One year's figures; 404 when the cooperative has none for that year."""
    entity = access_entity(request, code)
    report = entity.reports.filter(year=year).first()
    if report is None:
        raise Http404
    return yearly_item(report)


def breach_reasons() -> dict[str, str]:
    """Why a year's figures break a rule of `kttt.registry.rules`, per field, said without
    the values sent (the form's sentences quote them)."""
    return {
        "year": _("năm phải từ %(min)s đến năm tới và không trước năm thành lập HTX")
        % {"min": MIN_YEAR},
        "grade": _("HTX chưa đủ 12 tháng tính đến 31/12 của năm thì không được xếp loại"),
        "workers_trained": _(
            "lao động qua đào tạo nghề không được nhiều hơn lao động thường xuyên"
        ),
        "managers": _(
            "tổng cán bộ quản lý theo trình độ không được nhiều hơn số cán bộ quản lý "
            "(và phải nhập số cán bộ quản lý)"
        ),
    }


def is_object(raw: bytes) -> bool:
    try:
        return isinstance(json.loads(raw), dict)
    except ValueError:
        return False


def check_figures(
    request: HttpRequest, entity: Entity, year: int, values: dict[str, Any]
) -> HttpResponse | None:
    """The yearly form's rules (`rules.yearly`); every field at fault is named."""
    breaches = rules.yearly(year=year, established_on=entity.established_on, values=values)
    if not breaches:
        return None
    at_fault = sorted({b.field for b in breaches})
    reasons = breach_reasons()
    message = _("Số liệu năm không hợp lệ: %(reasons)s.") % {
        "reasons": "; ".join(f"{f} ({reasons.get(f, _('không đúng quy định'))})" for f in at_fault)
    }
    # Named as the parameter's validation names them: the address's year, the body's figures.
    fields = [f if f == "year" else f"body.{f}" for f in at_fault]
    return error(request, 400, "invalid", capfirst(message), fields=fields)


@router.put(
    "/cooperatives/{code}/yearly/{year}",
    response={200: YearlyOut, 201: YearlyOut, 409: Error, **ERRORS},
    url_name="yearly_write",
)
def yearly_write(request: HttpRequest, code: Code, year: YearPath, body: YearlyIn) -> Any:
    """Create (201) or change (200) a year's figures, as the yearly form does: the planning
    office and administrators save them approved; a commune officer or the cooperative's
    representative saves a draft, to send with `.../submit`, and may not change approved
    figures (403). A role that does not enter figures: 403. The form's rules: 400 `invalid`
    naming the fields. With `version` (the row's `version` as read; `0` for a row not yet
    written): a row changed since answers 409 `conflict`, saying who changed it and when,
    and nothing is written; without it the row is overwritten (last write wins)."""
    if not is_object(request.body):
        # django-ninja reads a body of null, a list or a string as {}: that would write a
        # row of unknowns. Refused like any other malformed body, whoever asks.
        return error(
            request,
            400,
            "invalid",
            _("Tham số không hợp lệ: %(fields)s.") % {"fields": "body"},
            fields=["body"],
        )
    entity = access_entity(request, code, write="figures")
    report = entity.reports.filter(year=year).first()
    if report is not None:
        report.entity = entity
        if not may_change_yearly(request, report):
            return error(request, 403, "forbidden", str(services.LOCKED))
    values = body.model_dump(exclude={"version"})
    values["grade"] = values["grade"] or ""
    if (refused := check_figures(request, entity, year, values)) is not None:
        return refused
    with yearly_guard(entity, year, report).checked(body.version):  # a Conflict: 409
        saved = services.save_yearly(
            entity=entity,
            year=year,
            values=values,
            user=request.user,
            source="api",
            approve=approves_figures(request, entity),
        )
    return Answer(200 if report is not None else 201, yearly_item(saved))


@router.post(
    "/cooperatives/{code}/yearly/{year}/submit",
    response={200: YearlyOut, **ERRORS},
    url_name="yearly_submit",
)
def yearly_submit(request: HttpRequest, code: Code, year: YearPath) -> Any:
    """Send a draft (or returned) year's figures to the planning office for approval, as the
    button on the cooperative's page does. Figures already sent or approved: 400 `refused`;
    approved figures of a drafter: 403."""
    report = access_yearly(request, code, year)
    if not may_change_yearly(request, report):
        raise PermissionDenied
    services.submit_yearly(report=report, user=request.user, source="api")
    return yearly_item(report)


# --- OCOP -----------------------------------------------------------------------------------


@router.get(
    "/cooperatives/{code}/ocop", response={200: list[OcopOut], **ERRORS}, url_name="ocop_list"
)
def ocop_list(request: HttpRequest, code: Code) -> Any:
    """The cooperative's OCOP products, newest recognition first: stars, the recognition
    date and level, and the certificate's validity (36 months from recognition)."""
    return products_of(access_entity(request, code))
