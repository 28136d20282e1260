"""Helpers shared by the views of every app: a form's write through a service, HTMX partials."""

import time
from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, OperationalError, connection
from django.http import HttpRequest
from django.utils.translation import gettext as _

from kttt.lib.errors import Refusal
from kttt.web.versions import VERSION, Conflict, Guard, show_conflict

# A write that meets another's write lock (SQLite's busy timeout ran out, a PostgreSQL
# deadlock or serialization failure) is tried once more after this pause.
BUSY_RETRY_PAUSE = 1.0


def busy(exc: OperationalError) -> bool:
    """Did the database refuse the write only because another write held it?"""
    cause = exc.__cause__
    return "database is locked" in str(exc) or type(cause).__name__ in {
        "DeadlockDetected",
        "SerializationFailure",
        "LockNotAvailable",
    }


def write_retrying(write: Callable[[], object]) -> object:
    """Call `write` (a service: its own transaction); once more if the database was busy.
    Not inside a caller's transaction, which the failure has already spoilt."""
    try:
        return write()
    except OperationalError as exc:
        if not busy(exc) or connection.in_atomic_block:
            raise
    time.sleep(BUSY_RETRY_PAUSE)
    return write()


def saved(form: Any, write: Callable[[], object], *, guard: Guard | None = None) -> bool:
    """For a valid submitted form, call the service; a refusal becomes a form error
    instead of an error page, and so does a database kept busy by another write (an
    import): the form comes back with what the user typed. True when the write went
    through. With a `guard` (an edit form, kttt.web.versions), the write runs in one
    transaction after the record's version is checked against the one the form was shown
    with; a conflict brings the form back with the user's input, who changed the record and
    when, and the stored values."""
    if not (form.is_bound and form.is_valid()):
        return False

    def guarded() -> object:
        if guard is None:
            return write()
        with guard.checked(form.cleaned_data.get(VERSION)):
            return write()

    try:
        write_retrying(guarded)
    except Conflict as exc:
        show_conflict(form, exc)
    except OperationalError as exc:
        if not busy(exc):
            raise
        form.add_error(
            None,
            _(
                "Hệ thống đang bận ghi dữ liệu khác (ví dụ một tệp Excel đang được nhập) nên "
                "chưa lưu được. Những gì bạn vừa nhập vẫn còn trên trang: vui lòng bấm Lưu "
                "lại sau ít phút."
            ),
        )
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
