"""Indicators, series and targets: the objects of `kttt indicators` and `kttt targets`
(DOMAIN.md §4, §5), as the command line prints them."""

import datetime as dt
from typing import Annotated, Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from pydantic import Field

from kttt.access.plans import access_plan, reads_plan_in_full
from kttt.access.registry import visible_codes
from kttt.access.scope import access_area
from kttt.api.core import Error
from kttt.api.samples import INDICATORS_CURL, INDICATORS_PYTHON, samples
from kttt.indicators.engine import compute, series
from kttt.lib.errors import Refusal
from kttt.plans.evaluation import evaluate
from kttt.plans.queries import plan_in_force
from kttt.registry import validation
from kttt.registry.models import Kind

router = Router(tags=["Chỉ tiêu và mục tiêu"])
MAX_SERIES_YEARS = 30
Number = int | float | None
AreaCode = Annotated[
    str, Field(pattern=r"^(VN|vn|[0-9]{1,5})$", description="mã đơn vị hành chính, hoặc VN")
]
Year = Annotated[int, Field(ge=1950, le=2100)]


class BadRequest(Refusal):
    pass


class AreaOut(Schema):
    code: str
    name: str
    as_of: dt.date
    approximate: bool
    notes: list[str]


class CheckOut(Schema):
    rule: str
    severity: str
    message: str
    count: int
    entities: list[str]


class IndicatorsOut(Schema):
    """The object of `kttt indicators --format json`."""

    year: int
    area: AreaOut
    kind: str
    indicators: dict[str, Number]
    by_sector: dict[str, dict[str, Number]]
    checks: list[CheckOut]


class FigureFilter(Schema):
    area: AreaCode | None = Field(None, description="mặc định: địa bàn của cài đặt")
    kind: str = Field("htx", max_length=40, description="htx, lhhtx hoặc tht")


class SeriesFilter(FigureFilter):
    from_year: Year = Field(alias="from")
    to: Year


class PlanOut(Schema):
    id: int
    name: str
    area: str
    start_year: int
    end_year: int
    baseline_year: int


class TargetOut(Schema):
    code: str
    description: str
    value: Number
    target: dict[str, Any]
    status: str
    status_code: str
    projection: Number
    basis: dict[str, Any] | None


class TargetsOut(Schema):
    """The object of `kttt targets --format json`."""

    plan: PlanOut
    year: int
    targets: list[TargetOut]
    notes: list[str]


def year_checked(year: int) -> int:
    if year > timezone.localdate().year + 1:
        raise BadRequest(_("Năm không được sau năm tới."))
    return year


def kind_of(raw: str) -> str:
    if validation.is_blank(raw):
        return Kind.HTX
    try:
        return validation.kind(raw)  # also HTX, LHHTX, THT, "hop tac xa"
    except validation.Invalid:
        raise BadRequest(_("Loại hình phải là một trong: htx, lhhtx, tht.")) from None


def area_for(request: HttpRequest, code: str | None, year: int) -> str:
    code = (code or str(settings.KTTT_HOME_AREA)).upper()
    access_area(request, code, dt.date(year, 12, 31))
    return code


def only_visible(request: HttpRequest, result: dict[str, Any]) -> dict[str, Any]:
    """A data check names only the cooperatives the user may see; `count` stays the
    number of all, as on the checks page."""
    codes = visible_codes(request, [c for check in result["checks"] for c in check["entities"]])
    for check in result["checks"]:
        check["entities"] = [c for c in check["entities"] if c in codes]
    return result


ERRORS: dict[int, Any] = {400: Error, 401: Error, 403: Error, 404: Error}


@router.get(
    "/indicators",
    response={200: IndicatorsOut, **ERRORS},
    url_name="indicators",
    openapi_extra=samples(INDICATORS_CURL, INDICATORS_PYTHON),
)
def indicators(request: HttpRequest, year: Year, filters: Query[FigureFilter]) -> Any:
    """Every indicator of an area for a year (DOMAIN.md §4), from approved yearly data."""
    year = year_checked(year)
    area = area_for(request, filters.area, year)
    return only_visible(request, compute(year, area, kind_of(filters.kind)))


@router.get(
    "/indicators/series",
    response={200: list[IndicatorsOut], **ERRORS},
    url_name="indicator_series",
)
def indicator_series(request: HttpRequest, filters: Query[SeriesFilter]) -> Any:
    """The indicators for the years from `from` to `to` (at most 30), without the checks."""
    first, last = year_checked(filters.from_year), year_checked(filters.to)
    if first > last or last - first >= MAX_SERIES_YEARS:
        raise BadRequest(_("Khoảng năm không hợp lệ (tối đa %(n)s năm).") % {"n": MAX_SERIES_YEARS})
    area = area_for(request, filters.area, first)
    for year in range(first + 1, last + 1):  # a code may name other units in other years
        area_for(request, filters.area, year)
    return series(first, last, area, kind_of(filters.kind))


@router.get("/targets", response={200: TargetsOut, **ERRORS}, url_name="targets")
def targets(
    request: HttpRequest, year: Year, plan: Annotated[int, Field(ge=1)] | None = None
) -> Any:
    """Each target's status in a year (DOMAIN.md §5); the plan in force for the home area
    when `plan` is not given."""
    year = year_checked(year)
    in_force = None if plan else plan_in_force(year)
    if not plan and in_force is None:
        raise Http404
    found = access_plan(request, plan or in_force.pk)  # type: ignore[union-attr]
    # The targets' status are the plan area's figures: only for who reads them.
    if not reads_plan_in_full(request, found):
        raise PermissionDenied
    return evaluate(found, year)
