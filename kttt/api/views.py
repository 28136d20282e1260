"""The HTTP API, version 1: the same JSON objects as the command line (DOMAIN.md §4, §5).

Authentication is the web session for now (an API token comes with the web issue). Errors
are JSON with a Vietnamese message: 400 for bad parameters, 401 when not logged in, 404 for
an area or plan outside the user's territory (the same answer as a missing one), 403 for a
role that may not do what was asked. Access is decided by `kttt.access` like everywhere.
"""

import datetime as dt
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, JsonResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from kttt.access.plans import access_plan, reads_plan_in_full
from kttt.access.registry import visible_codes
from kttt.access.scope import access_area
from kttt.indicators.engine import compute, series
from kttt.lib.errors import Refusal
from kttt.plans.evaluation import evaluate
from kttt.plans.queries import plan_in_force
from kttt.registry import validation
from kttt.registry.models import Kind

MAX_SERIES_YEARS = 30


class BadRequest(Refusal):
    pass


def error(status: int, message: str) -> JsonResponse:
    return JsonResponse(
        {"error": message}, status=status, json_dumps_params={"ensure_ascii": False}
    )


def api_view(view: Callable[..., dict[str, Any] | list[Any]]) -> Callable[..., JsonResponse]:
    @require_GET
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> JsonResponse:
        if not request.user.is_authenticated:
            return error(401, _("Cần đăng nhập."))
        try:
            body = view(request, *args, **kwargs)
        except Refusal as exc:  # bad parameters, an area or plan that cannot answer
            return error(400, str(exc))
        except Http404:  # outside the territory, or missing: the same answer
            return error(404, _("Không tìm thấy."))
        except PermissionDenied:
            return error(403, _("Bạn không có quyền thực hiện việc này."))
        return JsonResponse(body, safe=False, json_dumps_params={"ensure_ascii": False})

    return wrapper


def _year(request: HttpRequest, name: str = "year") -> int:
    raw = request.GET.get(name, "").strip()
    if not raw.isdigit() or not 1950 <= int(raw) <= timezone.localdate().year + 1:
        raise BadRequest(_("Tham số “%(name)s” phải là một năm hợp lệ.") % {"name": name})
    return int(raw)


def _kind(request: HttpRequest) -> str:
    raw = request.GET.get("kind", "")
    if validation.is_blank(raw):
        return Kind.HTX
    try:
        return validation.kind(raw)  # also HTX, LHHTX, THT, "hop tac xa"
    except validation.Invalid:
        raise BadRequest(_("Loại hình phải là một trong: htx, lhhtx, tht.")) from None


def _area(request: HttpRequest, year: int) -> str:
    from django.conf import settings

    code = request.GET.get("area", "").strip() or settings.KTTT_HOME_AREA
    access_area(request, code, dt.date(year, 12, 31))
    return code


def _only_visible(request: HttpRequest, result: dict[str, Any]) -> dict[str, Any]:
    """A data check names only the cooperatives the user may see; `count` stays the
    number of all, as on the checks page."""
    codes = visible_codes(request, [c for check in result["checks"] for c in check["entities"]])
    for check in result["checks"]:
        check["entities"] = [c for c in check["entities"] if c in codes]
    return result


@api_view
def indicators(request: HttpRequest) -> dict[str, Any]:
    year = _year(request)
    return _only_visible(request, compute(year, _area(request, year), _kind(request)))


@api_view
def indicator_series(request: HttpRequest) -> list[Any]:
    first, last = _year(request, "from"), _year(request, "to")
    if first > last or last - first >= MAX_SERIES_YEARS:
        raise BadRequest(_("Khoảng năm không hợp lệ (tối đa %(n)s năm).") % {"n": MAX_SERIES_YEARS})
    area = _area(request, first)
    for year in range(first + 1, last + 1):  # a code may name other units in other years
        _area(request, year)
    return series(first, last, area, _kind(request))


@api_view
def targets(request: HttpRequest) -> dict[str, Any]:
    year = _year(request)
    raw = request.GET.get("plan", "").strip()
    if raw and not raw.isdigit():
        raise BadRequest(_("Tham số “plan” phải là số."))
    in_force = None if raw else plan_in_force(year)
    if not raw and in_force is None:
        raise Http404
    plan = access_plan(request, raw or in_force.pk)  # type: ignore[union-attr]
    # The targets' status are the plan area's figures: only for who reads them.
    if not reads_plan_in_full(request, plan):
        raise PermissionDenied
    return evaluate(plan, year)
