"""Reading and checking registry values, shared by the Excel import, the web forms and the
API so that they accept and refuse exactly the same things (DOMAIN.md §6).

Every error is a Vietnamese sentence a person can act on.
"""

import datetime as dt
import re
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from kttt.lib.dates import InvalidDate, parse_date
from kttt.lib.numbers import format_number, parse_number
from kttt.lib.text import clean, fold_key
from kttt.registry.models import (
    MAX_COUNT,
    MAX_MONEY,
    MIN_YEAR,
    Grade,
    Kind,
    OcopLevel,
    Sector,
    Status,
)

CODE_PATTERN = re.compile(r"^[A-Za-z0-9-]{1,20}$")
_EXCEL_EPOCH = dt.datetime(1899, 12, 30)  # noqa: DTZ001 - a calendar origin, not a moment


class Invalid(ValueError):
    """A value that cannot be accepted; str(exc) is the Vietnamese message."""


def is_blank(raw: Any) -> bool:
    return raw is None or (isinstance(raw, str) and not raw.strip())


def text(raw: Any) -> str:
    if is_blank(raw):
        return ""
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    return clean(str(raw))


def number(raw: Any) -> Decimal | None:
    """A number from a cell or a form: numeric, or text written the Vietnamese way."""
    if is_blank(raw):
        return None
    if isinstance(raw, bool):
        raise Invalid(_("phải là một số"))
    if isinstance(raw, int):
        return Decimal(raw)
    if isinstance(raw, float):
        if raw != raw or raw in (float("inf"), float("-inf")):
            raise Invalid(_("phải là một số"))
        return Decimal(repr(raw))
    if isinstance(raw, Decimal):
        return raw
    if isinstance(raw, dt.date):
        raise Invalid(_("phải là một số, không phải ngày tháng"))
    value = parse_number(str(raw))
    if value is None:
        raise Invalid(_("“%(value)s” không phải là số") % {"value": text(raw)})
    return value


def count(raw: Any) -> int | None:
    value = number(raw)
    if value is None:
        return None
    if value != value.to_integral_value():
        raise Invalid(_("phải là số nguyên"))
    if value < 0:
        raise Invalid(_("không được âm"))
    if value > MAX_COUNT:
        raise Invalid(_("vượt quá giới hạn %(max)s") % {"max": format_number(MAX_COUNT)})
    return int(value)


def money(raw: Any, *, negative: bool = False) -> Decimal | None:
    value = number(raw)
    if value is None:
        return None
    if value < 0 and not negative:
        raise Invalid(_("không được âm"))
    if abs(value) > MAX_MONEY:
        raise Invalid(
            _("vượt quá giới hạn ±%(max)s triệu đồng") % {"max": format_number(MAX_MONEY)}
        )
    quantized = value.quantize(Decimal("0.001"))
    if quantized != value:
        raise Invalid(_("chỉ được tối đa 3 chữ số thập phân (triệu đồng)"))
    return quantized


def year(raw: Any) -> int:
    value = number(raw)
    if value is None:
        raise Invalid(_("chưa nhập năm"))
    latest = timezone.localdate().year + 1
    if value != value.to_integral_value() or not MIN_YEAR <= value <= latest:
        raise Invalid(_("năm phải từ %(min)s đến %(max)s") % {"min": MIN_YEAR, "max": latest})
    return int(value)


def date(raw: Any) -> dt.date | None:
    """An Excel date cell, a date object, or text dd/mm/yyyy."""
    if is_blank(raw):
        return None
    if isinstance(raw, dt.datetime):
        return raw.date()
    if isinstance(raw, dt.date):
        return raw
    if isinstance(raw, int | float) and not isinstance(raw, bool):
        # A date cell that reached us as its serial number (a cell without a date format).
        if 1 <= raw < 2958466:
            return (_EXCEL_EPOCH + dt.timedelta(days=float(raw))).date()
        raise Invalid(_("không phải là ngày hợp lệ"))
    try:
        value = parse_date(str(raw))
    except InvalidDate:
        raise Invalid(_("ngày “%(value)s” không tồn tại") % {"value": text(raw)}) from None
    if value is None:
        raise Invalid(_("“%(value)s” không phải ngày theo dạng dd/mm/yyyy") % {"value": text(raw)})
    if value.year < MIN_YEAR or value.year > timezone.localdate().year + 1:
        raise Invalid(_("ngày %(value)s nằm ngoài khoảng cho phép") % {"value": text(raw)})
    return value


def _choices_lookup(choices: Any, aliases: Mapping[str, str] | None = None) -> dict[str, str]:
    """Folded value, label or alias -> the choice's value (what the database stores)."""
    table = {}
    for value, label in choices.choices:
        table[fold_key(value)] = value
        table[fold_key(str(label))] = value
    for alias, value in (aliases or {}).items():
        table[fold_key(alias)] = choices(value).value
    return table


# The short forms of Luật HTX 2023 (DOMAIN.md §2), documented in docs/import-template.md.
KIND_SHORT_FORMS = {"HTX": Kind.HTX, "LHHTX": Kind.LHHTX, "THT": Kind.THT}
_KINDS = _choices_lookup(Kind, KIND_SHORT_FORMS)
_SECTORS = _choices_lookup(Sector)
_STATUSES = _choices_lookup(Status)
_GRADES = _choices_lookup(Grade)
_OCOP_LEVELS = _choices_lookup(OcopLevel)
_YES_NO = {
    "co": True,
    "khong": False,
    "x": True,
    "1": True,
    "0": False,
    "true": True,
    "false": False,
}


def _enum(raw: Any, table: Mapping[str, str], what: str, choices: Any) -> str:
    key = fold_key(text(raw))
    if key in table:
        return table[key]
    allowed = ", ".join(str(label) for _v, label in choices.choices)
    raise Invalid(
        _("“%(value)s” không phải %(what)s hợp lệ (một trong: %(allowed)s)")
        % {"value": text(raw), "what": what, "allowed": allowed}
    )


def kind(raw: Any) -> str:
    if is_blank(raw):
        raise Invalid(_("chưa nhập loại hình"))
    return _enum(raw, _KINDS, _("loại hình"), Kind)


def sector(raw: Any) -> str:
    if is_blank(raw):
        raise Invalid(_("chưa nhập lĩnh vực"))
    return _enum(raw, _SECTORS, _("lĩnh vực"), Sector)


def status(raw: Any) -> str:
    if is_blank(raw):
        return Status.ACTIVE
    return _enum(raw, _STATUSES, _("trạng thái"), Status)


def grade(raw: Any) -> str:
    if is_blank(raw):
        return ""
    return _enum(raw, _GRADES, _("xếp loại"), Grade)


def ocop_level(raw: Any) -> str:
    if is_blank(raw):
        return ""
    return _enum(raw, _OCOP_LEVELS, _("cấp công nhận"), OcopLevel)


def yes_no(raw: Any) -> bool:
    if is_blank(raw):
        return False
    if isinstance(raw, bool):
        return raw
    key = fold_key(text(raw))
    if key in _YES_NO:
        return _YES_NO[key]
    raise Invalid(_("“%(value)s” phải là Có hoặc Không") % {"value": text(raw)})


def entity_code(raw: Any) -> str:
    value = text(raw)
    if not value:
        raise Invalid(_("chưa nhập mã số HTX"))
    if not CODE_PATTERN.match(value):
        raise Invalid(
            _("mã “%(value)s” chỉ được gồm chữ, số, dấu gạch ngang và tối đa 20 ký tự")
            % {"value": value}
        )
    return value


def required_text(raw: Any, what: str, max_length: int = 255) -> str:
    value = text(raw)
    if not value:
        raise Invalid(_("chưa nhập %(what)s") % {"what": what})
    if len(value) > max_length:
        raise Invalid(_("dài quá %(max)s ký tự") % {"max": max_length})
    return value


def stars(raw: Any) -> int:
    value = count(raw)
    if value is None:
        raise Invalid(_("chưa nhập số sao"))
    if not 3 <= value <= 5:
        raise Invalid(_("số sao phải là 3, 4 hoặc 5"))
    return value
