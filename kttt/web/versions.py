"""Optimistic locking of the edit forms and the API's writes (issue 11: no lost updates).

A record's *version* is a short hash of the values an edit form shows of it (its `initial`
dict, built from the record by the view). The form carries the version it was shown with in
a hidden field; the save reads the record again inside the write transaction, with its row
locked (`SELECT … FOR UPDATE` on PostgreSQL; on SQLite a no-op `UPDATE` of the row takes the
database's write lock first, whatever the connection's transaction mode, so nothing can
write between the check and the write), and refuses when the version differs: someone
changed what the form shows since it was opened.

Why a hash of the shown values rather than a counter or `updated_at`: no migration, it is
the same on SQLite and PostgreSQL (no timestamp precision, no writer that forgets to count:
the Excel import, the API, the demo loader, the admin all change the values the hash reads),
and it detects exactly a conflicting change: a change to a field the form does not show, or
a change undone since, does not refuse the save (the form writes only its own fields).

Who changed the record and when is the app's to say (the registry's audit trail, the
accounts' audit trail): the `describe` callable of a `Guard`.
"""

import datetime as dt
import hashlib
import json
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, TypeVar

from django import forms
from django.db import connections, models, router, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kttt.lib.dates import format_date
from kttt.lib.errors import Refusal

VERSION = "version"
F = TypeVar("F", bound=forms.Form)


def plain(value: Any) -> Any:
    """A value as the hash reads it: the same for the database's and a form's forms of it
    (Decimal("12.500") and Decimal("12.5"); a model instance and its key; a set of them)."""
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, Decimal):
        return format(value.normalize(), "f") if value == value else str(value)
    if isinstance(value, int | float):
        return format(Decimal(str(value)).normalize(), "f")
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, (models.QuerySet, list | tuple | set | frozenset)):
        return sorted((plain(v) for v in value), key=lambda v: json.dumps(v, default=str))
    if isinstance(value, Mapping):
        return {str(k): plain(v) for k, v in value.items()}
    if value == "":
        return None  # a blank text and a missing value read the same in a form
    return str(value)


def version_of(values: Mapping[str, Any] | None) -> str:
    """The version of a record shown as `values` (None: the record does not exist)."""
    if values is None:
        return "0"
    text = json.dumps(
        {k: plain(v) for k, v in values.items()}, sort_keys=True, ensure_ascii=False, default=str
    )
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def when(moment: dt.datetime) -> str:
    """dd/mm/yyyy HH:MM in the installation's time zone."""
    local = timezone.localtime(moment)
    return f"{format_date(local.date())} {local:%H:%M}"


class Conflict(Refusal):
    """A save over a version newer than the one the writer read. str() says who changed the
    record and when (where known); `current` is the record's values now (None: deleted),
    `version` its version now, which a writer sends back to overwrite deliberately."""

    def __init__(self, message: str, *, current: dict[str, Any] | None, version: str) -> None:
        super().__init__(message)
        self.current = current
        self.version = version


class VersionField(forms.CharField):
    widget = forms.HiddenInput

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(required=False, max_length=64, **kwargs)


Describe = Callable[[Any], str]


@dataclass
class Guard:
    """The version check of one record: `obj` the record as the view read it (None for a
    record not yet written, found again by `model` and `lookup`), `initial_of` the values a
    form shows of it, `describe` a sentence saying who changed it and when (from the app's
    audit trail; "" when unknown)."""

    obj: models.Model | None
    initial_of: Callable[[Any], dict[str, Any]]
    describe: Describe = lambda _obj: ""
    model: type[models.Model] | None = None
    lookup: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.obj is not None:
            self.model = type(self.obj)
            self.lookup = {"pk": self.obj.pk}
        assert self.model is not None, "a Guard needs the record or its model and lookup"
        self.initial = self.initial_of(self.obj) if self.obj is not None else {}
        self.version = version_of(self.initial if self.obj is not None else None)

    def track(self, form: F) -> F:
        """Give `form` the hidden field carrying the version it is shown with."""
        form.fields[VERSION] = VersionField(initial=self.version)
        return form

    def _locked(self) -> models.Model | None:
        assert self.model is not None
        rows = self.model._base_manager.filter(**self.lookup)
        alias = router.db_for_write(self.model)
        connection = connections[alias]
        if connection.vendor == "sqlite":
            # Take the write lock before reading (the no-op UPDATE waits out another
            # writer within the busy timeout), so the check and the write are one step.
            rows.update(**{self.model._meta.pk.attname: models.F(self.model._meta.pk.attname)})
        else:
            rows = rows.select_for_update()
        return rows.using(alias).first()

    @contextmanager
    def checked(self, sent: str | None) -> Iterator[None]:
        """The write transaction, with the record's version checked first. `sent`: the
        version the writer read; None or "" skips the check (last write wins)."""
        assert self.model is not None
        with transaction.atomic(using=router.db_for_write(self.model)):
            fresh = self._locked()
            if sent:
                values = self.initial_of(fresh) if fresh is not None else None
                version = version_of(values)
                if version != sent:
                    raise Conflict(self.message(fresh), current=values, version=version)
            if fresh is not None and self.obj is not None:
                self.obj.refresh_from_db()
            yield

    def message(self, fresh: models.Model | None) -> str:
        """Who changed the record and when, where known; what changed, where the trail
        says it. The page or the API adds what to do about it."""
        if fresh is None:
            if self.obj is not None:
                return _("Bản ghi này đã bị xóa sau khi bạn đọc.")
            return _("Bản ghi này chưa có khi bạn đọc, nay đã được người khác tạo.")
        told = self.describe(fresh)
        return told or _("Bản ghi này đã được người khác thay đổi sau khi bạn đọc.")


def shown(field: forms.Field, value: Any) -> str:
    """A stored value as a person reads it in the form: the choice's label, Có/Không,
    Vietnamese numbers and dates (the field's own `prepare_value`)."""
    if value is None or value == "" or value == []:
        return _("(trống)")
    if isinstance(value, bool):
        return _("Có") if value else _("Không")
    if isinstance(field, forms.ModelChoiceField) and field.queryset is not None:
        items = value if isinstance(value, list | tuple | set | models.QuerySet) else [value]
        keys = [plain(v) for v in items]
        labels = [field.label_from_instance(o) for o in field.queryset.filter(pk__in=keys)]
        return ", ".join(str(label) for label in labels) or str(value)
    choices = dict(getattr(field, "choices", []) or [])
    if choices:
        items = value if isinstance(value, list | tuple) else [value]
        return ", ".join(str(choices.get(v, choices.get(str(v), v))) for v in items)
    prepared = field.prepare_value(value)
    return str(prepared)


def show_conflict(form: forms.Form, conflict: Conflict) -> None:
    """The refused form comes back with the user's input kept, the message above it, the
    stored value under each field that differs from the input, and the record's current
    version in the hidden field, so that saving again overwrites deliberately."""
    advice = _(
        "Dữ liệu bạn nhập chưa được lưu. Giá trị đang lưu được ghi dưới mỗi ô khác với dữ "
        "liệu của bạn; bấm lưu lần nữa để ghi đè bằng dữ liệu của bạn."
    )
    form.add_error(None, f"{conflict} {advice}")
    current = conflict.current or {}
    cleaned = getattr(form, "cleaned_data", {})
    for name, value in current.items():
        if name not in form.fields or name == VERSION or name in form.errors:
            continue
        if name in cleaned and plain(cleaned[name]) == plain(value):
            continue
        form.add_error(name, _("Đang lưu: %(value)s") % {"value": shown(form.fields[name], value)})
    data = form.data.copy()  # type: ignore[attr-defined]
    data[form.add_prefix(VERSION)] = conflict.version
    form.data = data
    form.conflict = True  # type: ignore[attr-defined]


def conflict_status(form: forms.Form, default: int = 400) -> int:
    """The status of a form page that comes back with errors: 409 after a conflict."""
    return 409 if getattr(form, "conflict", False) else default


def changes_sentence(pairs: Iterable[tuple[str, str, str]]) -> str:
    """ "Số thành viên: 10 → 12; Doanh thu: 1.200 → 1.350"."""
    return "; ".join(f"{label}: {old} → {new}" for label, old, new in pairs)
