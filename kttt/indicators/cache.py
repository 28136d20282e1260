"""The engine's results kept between requests (issue 9: the home page of the country within
a second at national size).

A result is kept under a key made of what it was asked for and of everything else it
depends on: the data's version (`kttt.changes.data_version`, new with every committed write
of the units or the registry; for one year's figures, new only with a write those figures
read, so that approving 2025 rows keeps 2021–2024), today's date (the OCOP check reads it),
the language (the notes and checks are sentences) and the settings the engine reads. A
result is therefore never served after its data changed; what is kept is merely dropped
when the cache is full or a day old. They are kept in files (Django's file-based cache under
VAR_DIR/cache/figures), which every server process on the machine reads, and a caller gets
its own copy: it may change what it gets. `refresh` computes them again after a write.

Off with KTTT_FIGURE_CACHE=0 (every call computes).
"""

import hashlib
from collections.abc import Callable
from typing import Any, TypeVar

from django.conf import settings
from django.core.cache import caches
from django.utils import timezone, translation

from kttt.changes.services import data_version
from kttt.indicators import refresh

T = TypeVar("T")
MISS = object()


def key(name: str, args: tuple[Any, ...], version: str) -> str:
    parts = (
        name,
        args,
        version,
        timezone.localdate().isoformat(),
        translation.get_language(),
        str(settings.KTTT_REPORT_DEADLINE),
        tuple(settings.KTTT_EFFECTIVE_GRADES),
    )
    return "figures:" + hashlib.sha256(repr(parts).encode()).hexdigest()


class Kept:
    """The cache as one caller sees it: the data's version (for `year`'s figures, or for
    every year's) read once."""

    def __init__(self, year: int | None = None) -> None:
        self.enabled = bool(settings.KTTT_FIGURE_CACHE)
        self.year = year
        self.version = data_version(year) if self.enabled else ""

    def get(self, name: str, args: tuple[Any, ...]) -> Any:
        if not self.enabled:
            return MISS
        return caches["figures"].get(key(name, args, self.version), MISS)

    def put(
        self,
        name: str,
        args: tuple[Any, ...],
        value: Any,
        make: Callable[[], Any] | None = None,
    ) -> None:
        """Keep `value`; with `make` (how to compute it again), also have it refreshed
        after the next write."""
        if self.enabled:
            caches["figures"].set(key(name, args, self.version), value)
            if make is not None:
                refresh.note_asked(name, args, self.year, make)


def cached(
    name: str, args: tuple[Any, ...], make: Callable[[], T], *, year: int | None = None
) -> T:
    """`make()`, or what it returned before for the same arguments and data. `year`: the
    result reads only that year's figures (and the year before's)."""
    kept = Kept(year)
    value = kept.get(name, args)
    if value is MISS:
        value = make()
        kept.put(name, args, value, make)
    return value  # type: ignore[no-any-return]


def clear() -> None:
    """Forget every kept result, and what was asked lately (the tests start each case with
    it)."""
    caches["figures"].clear()
    refresh.forget()
