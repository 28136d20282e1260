"""Vietnamese display of numbers and dates on pages (DOMAIN.md §7).

Templates use these instead of Django's localisation so that a year or a code is never
grouped by accident: {{ 2021 }} would print "2.021" with USE_THOUSAND_SEPARATOR.
"""

import datetime as dt
from decimal import Decimal

from django import template
from django.utils import timezone

from kttt.lib.dates import add_months, format_date
from kttt.lib.numbers import format_number
from kttt.registry.models import Status

register = template.Library()

MISSING = "–"


@register.filter
def vn_number(value: Decimal | float | int | None, decimals: int = 2) -> str:
    """63090 -> "63.090", 46.5 -> "46,5", None -> "–"."""
    if value is None or value == "":
        return MISSING
    return format_number(value, int(decimals))


@register.filter
def vn_date(value: dt.date | dt.datetime | None) -> str:
    """dd/mm/yyyy; a moment is read in the local time zone first."""
    if value is None or value == "":
        return MISSING
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return format_date(value)


@register.filter
def vn_datetime(value: dt.datetime | None) -> str:
    """dd/mm/yyyy HH:MM in the local time zone."""
    if value is None:
        return MISSING
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    return value.strftime("%d/%m/%Y %H:%M")


@register.filter
def status_label(value: str | None) -> str:
    """The Vietnamese label of a status code (lists annotate the code only)."""
    try:
        return str(Status(value or "").label)
    except ValueError:
        return MISSING


@register.filter
def months_later(value: dt.date | None, months: int) -> dt.date | None:
    return add_months(value, int(months)) if value else None
