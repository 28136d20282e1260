"""Vietnamese numbers: "63.090" is sixty-three thousand and ninety; "46,5" is 46.5."""

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

_GROUPED = re.compile(r"^[+-]?\d{1,3}(\.\d{3})+(,\d+)?$")
_VIETNAMESE_DECIMAL = re.compile(r"^[+-]?\d+(,\d+)?$")
_PLAIN = re.compile(r"^[+-]?\d+(\.\d+)?$")


def parse_number(text: str) -> Decimal | None:
    """Read a number written the Vietnamese way or plainly; None when it is not a number.

    "63.090" -> 63090, "1.234,5" -> 1234.5, "46,5" -> 46.5, "46.5" -> 46.5. A dot followed
    by exactly three digits in groups is a thousands separator (the Vietnamese reading), so
    "1.234" is 1234, never 1.234.
    """
    s = text.strip().replace("\u00a0", "").replace(" ", "")
    if not s:
        return None
    if _GROUPED.match(s):
        s = s.replace(".", "").replace(",", ".")
    elif _VIETNAMESE_DECIMAL.match(s):
        s = s.replace(",", ".")
    elif not _PLAIN.match(s):
        return None
    try:
        return Decimal(s)
    except InvalidOperation:  # pragma: no cover - the patterns above admit only valid text
        return None


def format_number(value: Decimal | float | int | None, decimals: int = 2) -> str:
    """63090 -> "63.090"; 46.5 -> "46,5"; 27.7777 -> "27,78". At most `decimals` places,
    trailing zeros dropped. None -> "" (the caller decides how to show a missing value)."""
    if value is None:
        return ""
    quantum = Decimal(1).scaleb(-decimals)
    # Half up, as people round by hand (40,125 -> 40,13), not banker's rounding.
    d = Decimal(str(value)).quantize(quantum if decimals else Decimal(1), rounding=ROUND_HALF_UP)
    sign = "-" if d < 0 else ""
    whole, _, frac = f"{abs(d):f}".partition(".")
    frac = frac.rstrip("0")
    groups: list[str] = []
    while len(whole) > 3:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    groups.insert(0, whole)
    text = ".".join(groups)
    if sign and (text.strip("0.") or frac):
        text = sign + text
    return f"{text},{frac}" if frac else text
