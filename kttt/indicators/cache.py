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

Computed once: when a result is missing (after a write, every user's page misses at once),
the first caller computes it while the others asking for the same result, in any process,
wait on a lock file for it (`fcntl.flock`) and then read it, rather than all computing it
at the same time on the same cores (measured with benchmarks/load_bench.py).

Off with KTTT_FIGURE_CACHE=0 (every call computes).
"""

import fcntl
import hashlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
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

    def computed(self, name: str, args: tuple[Any, ...], make: Callable[[], Any]) -> Any:
        """What is kept, or `make()` computed once: a caller finding it missing while
        another computes it waits for that one and reads its result."""
        value = self.get(name, args)
        if value is not MISS or not self.enabled:
            return make() if value is MISS else value
        kept_as = key(name, args, self.version)
        with single(kept_as):
            value = caches["figures"].get(kept_as, MISS)
            if value is MISS:
                value = make()
                caches["figures"].set(kept_as, value)
        return value


@contextmanager
def single(kept_as: str) -> Iterator[None]:
    """Hold the lock of one result (a file beside the cache's, one per result, removed
    once computed). A waiter that finds the result when it gets the lock reads it; a file
    removed while someone waited only costs, at worst, one computation more."""
    figures: Any = settings.CACHES["figures"]
    folder = Path(str(figures["LOCATION"]) + "-computing")
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / kept_as.removeprefix("figures:")
    with path.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)  # released when the file is closed
        try:
            yield
        finally:
            path.unlink(missing_ok=True)


def cached(
    name: str, args: tuple[Any, ...], make: Callable[[], T], *, year: int | None = None
) -> T:
    """`make()`, or what it returned before for the same arguments and data. `year`: the
    result reads only that year's figures (and the year before's)."""
    kept = Kept(year)
    value = kept.get(name, args)
    if value is MISS:
        value = kept.computed(name, args, make)
        refresh.note_asked(name, args, year, make)
    return value  # type: ignore[no-any-return]


def clear() -> None:
    """Forget every kept result, and what was asked lately (the tests start each case with
    it)."""
    caches["figures"].clear()
    refresh.forget()
