"""Reading the values people type or paste the Vietnamese way (forms, workbook cells, the
API): counts, money in triệu đồng, years and dates. Every app's forms and the registry's
import share these readers, so that they accept and refuse exactly the same things
(DOMAIN.md §6). Every error is a Vietnamese sentence a person can act on.
"""

import datetime as dt
from decimal import Decimal
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from kttt.lib.dates import InvalidDate, parse_date
from kttt.lib.numbers import format_number, parse_number
from kttt.lib.text import clean

# The limits of §6, also the registry's database constraints (kttt.registry.models).
MAX_COUNT = 1_000_000
MAX_MONEY = Decimal(1_000_000_000)
MIN_YEAR = 1950
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
