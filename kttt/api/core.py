"""The HTTP API's frame (issue 10): django-ninja, which builds the OpenAPI document from the
typed schemas the endpoints declare and validates every parameter against them, with its
Swagger UI files shipped in the package (served locally, no CDN). docs/api.md says why.

Everything a resource shares lives here:

- **Who**: a token (`Authorization: Bearer kttt_…`, kttt.accounts.tokens) or the web
  session (the pages' own calls; a write by session needs the CSRF token). Either way
  `request.user` is the user, so the access helpers of the pages (`kttt.access`) decide.
- **Errors**: `{"code": …, "message": …}` with a Vietnamese message and a machine code, and
  for bad parameters the names of the fields, never the value sent.
- **Pages of results**: `?page=&per_page=` (at most `MAX_PER_PAGE`), stable order.
- **ETag**: every 200 answer to a GET carries one; `If-None-Match` with it gets 304.
"""

import hashlib
from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotModified
from django.utils.cache import patch_vary_headers
from django.utils.http import parse_etags, quote_etag
from django.utils.translation import gettext as _
from ninja import Field, NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.pagination import PaginationBase
from ninja.renderers import JSONRenderer
from ninja.security import HttpBearer, SessionAuth

from kttt.accounts.tokens import user_for_key
from kttt.areas.services import AreaError
from kttt.lib.errors import Refusal
from kttt.web.versions import Conflict


class Error(Schema):
    """Every answer that is not 2xx or 304. Codes: `invalid`, `refused`, `unknown_area`
    (400), `unauthenticated` (401), `forbidden` (403), `not_found` (404), `conflict` (409: a
    write carrying a `version` older than the record's, kttt.web.versions)."""

    code: str
    message: str
    fields: list[str] = []


class TokenAuth(HttpBearer):
    """`Authorization: Bearer <key>`; the token acts as its user."""

    openapi_description = "Khóa API: `kttt create_token USERNAME` hoặc trang tài khoản."

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = user_for_key(token)
        if user is not None:
            request.user = user
        return user


class Session(SessionAuth):
    """The web session of the pages (a write needs the CSRF token, as a form does)."""

    openapi_description = "Phiên đăng nhập của trang web (cookie sessionid)."


class Renderer(JSONRenderer):
    json_dumps_params = {"ensure_ascii": False}  # Vietnamese as it is written


class KtttAPI(NinjaAPI):
    def get_openapi_schema(self, *args: Any, **kwargs: Any) -> Any:
        """django-ninja copies a parameter's JSON-schema `examples` (a list) to the
        parameter itself, where OpenAPI wants a map: give the parameter `example` instead."""
        document = super().get_openapi_schema(*args, **kwargs)
        for methods in document.get("paths", {}).values():
            for operation in methods.values():
                for parameter in operation.get("parameters", []):
                    if isinstance(parameter.get("examples"), list):
                        parameter["example"] = parameter.pop("examples")[0]
        return document

    def create_response(
        self,
        request: HttpRequest,
        data: Any,
        *,
        status: int | None = None,
        temporal_response: HttpResponse | None = None,
    ) -> HttpResponse:
        response = super().create_response(
            request, data, status=status, temporal_response=temporal_response
        )
        return with_etag(request, response)


def with_etag(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    """A GET answered 200 gets an ETag of its body; asked again with it, 304. The answer
    depends on who asks: the caches must keep it per user and ask again each time."""
    if request.method not in ("GET", "HEAD") or response.status_code != 200:
        return response
    etag = quote_etag(hashlib.sha256(response.content).hexdigest()[:32])
    response["ETag"] = etag
    response["Cache-Control"] = "private, no-cache"
    patch_vary_headers(response, ("Authorization", "Cookie"))
    if (
        etag in parse_etags(request.headers.get("If-None-Match", ""))
        or request.headers.get("If-None-Match", "").strip() == "*"
    ):
        not_modified = HttpResponseNotModified()
        for header in ("ETag", "Cache-Control", "Vary"):
            not_modified[header] = response[header]
        return not_modified
    return response


api = KtttAPI(
    title="KTTT API",
    version="1",
    description=(Path(__file__).with_name("description.md")).read_text(encoding="utf-8"),
    auth=[TokenAuth(), Session()],
    renderer=Renderer(),
    urls_namespace="api",
    docs_url="/docs/",
    openapi_url="/openapi.json",
)


def error(request: HttpRequest, status: int, code: str, message: str, **extra: Any) -> HttpResponse:
    return api.create_response(request, {"code": code, "message": message, **extra}, status=status)


@api.exception_handler(AuthenticationError)
def unauthenticated(request: HttpRequest, exc: Exception) -> HttpResponse:
    return error(
        request,
        401,
        "unauthenticated",
        _("Cần đăng nhập, hoặc gửi khóa API hợp lệ (Authorization: Bearer …)."),
    )


@api.exception_handler(ValidationError)
def invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    # The names of the fields at fault, never the values sent (they may be anything).
    fields = sorted(
        {
            ".".join(str(part) for part in e.get("loc", ())[1:] or e.get("loc", ()))
            for e in exc.errors
        }
    )
    return error(
        request,
        400,
        "invalid",
        _("Tham số không hợp lệ: %(fields)s.") % {"fields": ", ".join(fields) or "?"},
        fields=fields,
    )


@api.exception_handler(HttpError)
def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    # django-ninja's own refusals: a body that is not JSON (400) is a malformed parameter,
    # answered in our shape (its own is {"detail": …}, quoting the parser in DEBUG).
    if exc.status_code == 400:
        return error(
            request,
            400,
            "invalid",
            _("Tham số không hợp lệ: %(fields)s.") % {"fields": "body"},
            fields=["body"],
        )
    return error(request, exc.status_code, "error", _("Không thực hiện được yêu cầu."))


@api.exception_handler(Http404)
def not_found(request: HttpRequest, exc: Exception) -> HttpResponse:
    # Outside the territory, or missing: the same answer, as on the pages.
    return error(request, 404, "not_found", _("Không tìm thấy."))


@api.exception_handler(PermissionDenied)
def forbidden(request: HttpRequest, exc: Exception) -> HttpResponse:
    return error(request, 403, "forbidden", _("Bạn không có quyền thực hiện việc này."))


@api.exception_handler(AreaError)
def unknown_area(request: HttpRequest, exc: Exception) -> HttpResponse:
    return error(
        request,
        400,
        "unknown_area",
        _("Mã địa bàn không chỉ đơn vị hành chính nào vào năm được hỏi."),
    )


@api.exception_handler(Conflict)
def conflict(request: HttpRequest, exc: Exception) -> HttpResponse:
    """A write over a newer version: who changed the record and when, nothing written."""
    advice = _("Hãy đọc lại (GET) rồi gửi lại với version mới nếu vẫn muốn ghi đè.")
    return error(request, 409, "conflict", f"{exc} {advice}")


@api.exception_handler(Refusal)
def refused(request: HttpRequest, exc: Exception) -> HttpResponse:
    # Our own sentences (a rule of the registry, a plan's period): they quote no input.
    return error(request, 400, "refused", str(exc))


MAX_PER_PAGE = 500


class Pages(PaginationBase):
    """`?page=N&per_page=M` (1 to 500, default 50). The endpoint gives a queryset in a
    stable order (a unique key last), so that pages neither repeat nor skip a row."""

    class Input(Schema):
        page: int = Field(1, ge=1, le=1_000_000)
        per_page: int = Field(50, ge=1, le=MAX_PER_PAGE)

    class Output(Schema):
        count: int
        page: int
        per_page: int
        items: list[Any]

    def paginate_queryset(
        self, queryset: QuerySet[Any], pagination: Any, request: HttpRequest, **params: Any
    ) -> Any:
        offset = (pagination.page - 1) * pagination.per_page
        return {
            "count": self._items_count(queryset),
            "page": pagination.page,
            "per_page": pagination.per_page,
            "items": queryset[offset : offset + pagination.per_page],
        }
