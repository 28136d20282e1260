"""A table cell as a person reads it, the Vietnamese way (63.090; 46,5; 27,78)."""

from typing import Any

from kttt.documents.content import ColumnKind
from kttt.lib.numbers import format_number

BLANK = "–"


def cell_text(value: Any, kind: ColumnKind) -> str:
    if value is None or value == "":
        return "" if kind == "text" else BLANK
    if kind == "text":
        return str(value)
    if kind == "year":
        return str(value)
    if kind == "count":
        return format_number(value, 0)
    return format_number(value, 2)


def is_number(kind: ColumnKind) -> bool:
    return kind not in ("text",)
