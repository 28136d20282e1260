"""Vietnamese dates: dd/mm/yyyy on screen, "ngày 05 tháng 3 năm 2025" in documents."""

import argparse
import datetime as dt
import re

_DMY = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})$")
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")


class InvalidDate(ValueError):
    """The text looks like a date but names no day in the calendar (31/02/2021)."""


def parse_date(text: str) -> dt.date | None:
    """ "05/03/2025" (also 5-3-2025, 05.03.2025) or ISO "2025-03-05" -> date.

    Returns None when the text is not in a date form; raises InvalidDate when it is in a
    date form but no such day exists.
    """
    s = text.strip()
    if m := _DMY.match(s):
        day, month, year = (int(g) for g in m.groups())
    elif m := _ISO.match(s):
        year, month, day = (int(g) for g in m.groups())
    else:
        return None
    try:
        return dt.date(year, month, day)
    except ValueError as exc:
        raise InvalidDate(s) from exc


def date_argument(text: str) -> dt.date:
    """A command's date argument (argparse `type=`): a wrong one is a usage error with a
    Vietnamese message."""
    try:
        value = parse_date(text)
    except InvalidDate:
        value = None
    if value is None:
        raise argparse.ArgumentTypeError(f"Ngày “{text}” không hợp lệ (dạng dd/mm/yyyy).")
    return value


def format_date(value: dt.date | None) -> str:
    return value.strftime("%d/%m/%Y") if value else ""


def document_date(value: dt.date) -> str:
    """Nghị định 30/2020: leading zero for days below 10 and for months 1 and 2 only."""
    month = f"{value.month:02d}" if value.month <= 2 else str(value.month)
    return f"ngày {value.day:02d} tháng {month} năm {value.year}"


def citation_date(value: dt.date) -> str:
    """A date as a document cites another: "05/3/2021", "05/02/2021" (Nghị định 30/2020:
    leading zero for days below 10 and for months 1 and 2 only)."""
    month = f"{value.month:02d}" if value.month <= 2 else str(value.month)
    return f"{value.day:02d}/{month}/{value.year}"


def year_end(year: int) -> dt.date:
    return dt.date(year, 12, 31)


def add_months(value: dt.date, months: int) -> dt.date:
    """Calendar months later; the 31st becomes the month's last day when it has none."""
    import calendar

    index = value.month - 1 + months
    year, month = value.year + index // 12, index % 12 + 1
    return dt.date(year, month, min(value.day, calendar.monthrange(year, month)[1]))
