"""Vietnamese text: normal form, diacritic-insensitive folding, alphabetical sort key."""

import re
import unicodedata

_SPACES = re.compile(r"\s+")


def clean(value: str) -> str:
    """NFC, surrounding spaces removed, inner runs of white space collapsed to one space."""
    return _SPACES.sub(" ", unicodedata.normalize("NFC", value)).strip()


def fold(value: str) -> str:
    """Lower case without diacritics, for matching: "Phúc Hưng" -> "phuc hung", "Đ" -> "d"."""
    decomposed = unicodedata.normalize("NFD", clean(value).casefold())
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return stripped.replace("đ", "d")


def fold_key(value: str) -> str:
    """Like fold(), with spaces, underscores and hyphens removed: "nông nghiệp" == "nong_nghiep"."""
    return re.sub(r"[\s_\-]+", "", fold(value))


# The Vietnamese alphabet: ă, â, đ, ê, ô, ơ, ư are letters of their own (after a, a, d, e,
# o, o, u). Tones sort after the letters, in the order none, huyền, hỏi, ngã, sắc, nặng.
_LETTERS = "aăâbcdđeêfghijklmnoôơpqrstuưvwxyz"
_LETTER_RANK = {ch: i for i, ch in enumerate(_LETTERS)}
_VOWEL_MARKS = {"\u0306": "ă", "\u0302": "â", "\u031b": "ơ"}  # breve, circumflex, horn
_TONES = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}


def _letters_and_tones(value: str) -> tuple[list[int], list[int]]:
    letters: list[int] = []
    tones: list[int] = []
    for ch in unicodedata.normalize("NFC", value.casefold()):
        if ch == "đ":
            letters.append(_LETTER_RANK["đ"] + 64)
            tones.append(0)
            continue
        decomposed = unicodedata.normalize("NFD", ch)
        base, marks = decomposed[0], decomposed[1:]
        tone = 0
        for mark in marks:
            if mark in _TONES:
                tone = _TONES[mark]
            elif mark in _VOWEL_MARKS:
                if mark == "\u0302":
                    base = {"a": "â", "e": "ê", "o": "ô"}.get(base, base)
                elif mark == "\u031b":
                    base = {"o": "ơ", "u": "ư"}.get(base, base)
                else:
                    base = {"a": "ă"}.get(base, base)
        if base in _LETTER_RANK:
            letters.append(_LETTER_RANK[base] + 64)
        elif base.isspace():
            letters.append(1)
        elif base.isdigit():
            letters.append(10 + int(base))
        else:
            letters.append(ord(base) + 128)
        tones.append(tone)
    return letters, tones


def sort_key(value: str) -> str:
    """A string whose byte order is the Vietnamese alphabetical order of `value`.

    Stored in a column so that SQLite and PostgreSQL sort identically (PostgreSQL's
    vi-x-icu collation gives the same order). Letters decide first; tones break ties.
    """
    letters, tones = _letters_and_tones(clean(value))
    return "".join(chr(0x100 + n) for n in letters) + "\x01" + "".join(str(t) for t in tones)
