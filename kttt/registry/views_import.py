"""The Excel import pages: upload, preview, confirm (DOMAIN.md §6).

The uploaded file is kept between preview and confirm under MEDIA_ROOT/imports (never
under the web root), named by a random token that is remembered in the user's session;
confirm checks the file again against the database as it is then, and writes only if
there is still nothing wrong.
"""

import io
import secrets
import time
from pathlib import Path
from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from kttt.access.scope import require, scope_of
from kttt.lib.numbers import format_number
from kttt.registry.excel import ImportPlan, run_import
from kttt.registry.excel.template import SHEETS

SESSION_KEY = "kttt_import"
# Files left behind by previews that were never confirmed are removed after this long.
STALE_AFTER_SECONDS = 24 * 3600


class UploadForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("Tệp Excel (.xlsx) theo mẫu"))

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        limit = settings.KTTT_IMPORT_MAX_BYTES
        if upload.size > limit:
            raise forms.ValidationError(
                _("Tệp quá lớn (%(size)s MB); tối đa %(max)s MB.")
                % {
                    "size": format_number(upload.size / 1048576, 1),
                    "max": format_number(limit / 1048576, 1),
                }
            )
        return upload


def imports_dir() -> Path:
    folder = Path(settings.MEDIA_ROOT) / "imports"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _stored(token: str) -> Path:
    # The token is ours (secrets.token_hex), but never trust a value to be a plain name.
    if not token or not token.isalnum():
        raise Http404
    return imports_dir() / f"{token}.xlsx"


def _forget(request: HttpRequest) -> None:
    token = request.session.pop(SESSION_KEY, {}).get("token", "")
    if token and token.isalnum():
        _stored(token).unlink(missing_ok=True)


def _remove_stale() -> None:
    cutoff = time.time() - STALE_AFTER_SECONDS
    for path in imports_dir().glob("*.xlsx"):
        try:
            if path.stat().st_mtime < cutoff:
                path.unlink()
        except OSError:
            continue  # another request removed it first


def _sheet_rows(plan: ImportPlan) -> list[dict[str, Any]]:
    return [{"name": name, "counts": plan.counts[name]} for name in SHEETS if name in plan.counts]


@login_required
@require_http_methods(["GET", "POST"])
def upload(request: HttpRequest) -> HttpResponse:
    scope = scope_of(request)
    require(scope.can_import())
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method != "POST" or not form.is_valid():
        return render(request, "registry/import.html", {"form": form}, status=200)
    _forget(request)
    _remove_stale()
    token = secrets.token_hex(16)
    path = _stored(token)
    with path.open("wb") as out:
        for chunk in form.cleaned_data["file"].chunks():
            out.write(chunk)
    try:
        result = run_import(path, user=request.user, scope=scope, dry_run=True)
    except BaseException:
        path.unlink(missing_ok=True)  # a failed check leaves no upload behind
        raise
    if result.problems:
        path.unlink(missing_ok=True)
    else:
        request.session[SESSION_KEY] = {
            "token": token,
            "name": form.cleaned_data["file"].name,
        }
    return render(
        request,
        "registry/import_preview.html",
        {
            "plan": result.plan,
            "sheets": _sheet_rows(result.plan),
            "token": token if not result.problems else "",
            "file_name": form.cleaned_data["file"].name,
        },
    )


@login_required
@require_POST
def confirm(request: HttpRequest) -> HttpResponse:
    scope = scope_of(request)
    require(scope.can_import())
    pending = request.session.get(SESSION_KEY) or {}
    token = request.POST.get("token", "")
    if not token or not secrets.compare_digest(str(pending.get("token", "")), token):
        raise Http404
    path = _stored(token)
    if not path.is_file():
        request.session.pop(SESSION_KEY, None)
        raise Http404
    result = run_import(path, user=request.user, scope=scope)
    context = {
        "plan": result.plan,
        "sheets": _sheet_rows(result.plan),
        "file_name": pending.get("name", ""),
    }
    if not result.applied:
        # Something changed since the preview: show what is wrong now; nothing written.
        _forget(request)
        return render(request, "registry/import_preview.html", {**context, "token": ""})
    _forget(request)
    return render(request, "registry/import_done.html", context)


@login_required
def blank_template(request: HttpRequest) -> HttpResponse:
    """The import template without data: instructions, headers and drop-down lists."""
    from kttt.registry.excel.layout import blank_template as build

    workbook = io.BytesIO()
    build(workbook)
    response = HttpResponse(
        workbook.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = 'attachment; filename="mau-nhap-htx.xlsx"'
    return response
