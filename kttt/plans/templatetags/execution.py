"""Template filters of the plan execution pages. Money goes through budget.vnd, the one
formatting the CLI and the reports use, so a sum reads the same everywhere."""

from decimal import Decimal
from typing import Any

from django import template

from kttt.access import plans as access
from kttt.access.scope import Scope
from kttt.lib.numbers import format_number
from kttt.plans import budget

register = template.Library()


@register.filter
def vnd(value: Decimal | int | None) -> str:
    """Triệu đồng: 1230 -> "1.230", 40.25 -> "40,25", None -> "–"."""
    if value is None or value == "":
        return "–"
    return budget.vnd(Decimal(value))


@register.filter
def share_pct(part: Decimal | int | None, whole: Decimal | int | None) -> int:
    """A whole percentage for a bar's width, 0–100 (0 when there is nothing to compare)."""
    if not part or not whole:
        return 0
    return max(0, min(100, round(Decimal(part) * 100 / Decimal(whole))))


@register.filter
def file_size(size: int | None) -> str:
    """2048 -> "2 KB", 1572864 -> "1,5 MB"."""
    if size is None:
        return "–"
    if size < 1024 * 1024:
        return f"{format_number(Decimal(size) / 1024, 1)} KB"
    return f"{format_number(Decimal(size) / (1024 * 1024), 1)} MB"


@register.filter
def has_work_unit(scope: Any) -> bool:
    """For the menu: show "Việc của tôi" to users with an implementing unit."""
    return isinstance(scope, Scope) and access.scope_has_work_unit(scope)
