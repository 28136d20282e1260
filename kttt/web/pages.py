"""Helpers shared by the views of every app: a form's write through a service, HTMX partials."""

from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.http import HttpRequest
from django.utils.translation import gettext as _

from kttt.lib.errors import Refusal
from kttt.web.versions import VERSION, Conflict, Guard, show_conflict


def saved(form: Any, write: Callable[[], object], *, guard: Guard | None = None) -> bool:
    """For a valid submitted form, call the service; a refusal becomes a form error
    instead of an error page. True when the write went through. With a `guard` (an edit
    form, kttt.web.versions), the write runs in one transaction after the record's version
    is checked against the one the form was shown with; a conflict brings the form back
    with the user's input, who changed the record and when, and the stored values."""
    if not (form.is_bound and form.is_valid()):
        return False
    try:
        if guard is None:
            write()
        else:
            with guard.checked(form.cleaned_data.get(VERSION)):
                write()
    except Conflict as exc:
        show_conflict(form, exc)
    except Refusal as exc:
        form.add_error(None, str(exc))
    except ValidationError as exc:
        form.add_error(None, " ".join(exc.messages))
    except IntegrityError:
        form.add_error(None, _("Dữ liệu vừa bị thay đổi ở nơi khác. Vui lòng tải lại trang."))
    else:
        return True
    return False


def is_partial(request: HttpRequest) -> bool:
    """An HTMX request for a fragment (not a history restore, which needs the whole page)."""
    htmx = getattr(request, "htmx", None)
    return bool(htmx) and not htmx.history_restore_request  # type: ignore[union-attr]
