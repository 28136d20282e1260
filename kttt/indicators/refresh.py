"""After a write, the figures people looked at lately are computed again in the background,
so that the next page shows them at once (issue 9: the country's home page within a second
at national size, also right after an approval).

`cache.cached` notes each result it had to compute (what it was and how to compute it: a
closure over plain arguments, no request). When a change commits (`kttt.changes.committed`)
the writing process wakes its refresher thread, which computes those again under the new
version; since the kept results are files every server process reads, all of them serve
the new figures. A burst of writes (an import, a bulk approval) makes one refresh, and
a refresh is followed by a pause of KTTT_FIGURE_REFRESH_PAUSE seconds so that a busy
reporting season does not keep a core busy (the country's figures at national size take
about 1,6 s to compute: with the default 10 s, at most a seventh of one core). A result
nobody asked for within a day is not refreshed.

A failure is logged and forgotten: the page that needs the figure computes it itself, as it
would without the refresher.
"""

import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import connection
from django.utils import translation

logger = logging.getLogger(__name__)

ASKED_MAX = 64  # results refreshed at most, the latest asked first
ASKED_FOR = 24 * 3600  # seconds a result stays worth refreshing after it was last asked

Entry = tuple[str, tuple[Any, ...], "int | None"]

_asked: OrderedDict[Entry, tuple[float, str, Callable[[], Any]]] = OrderedDict()
_lock = threading.Lock()
_wake = threading.Event()
_thread: threading.Thread | None = None


def note_asked(name: str, args: tuple[Any, ...], year: int | None, make: Callable[[], Any]) -> None:
    """Remember a result computed on demand, to compute it again after the next write."""
    entry = (name, args, year)
    with _lock:
        _asked[entry] = (time.monotonic(), translation.get_language() or "", make)
        _asked.move_to_end(entry)
        while len(_asked) > ASKED_MAX:
            _asked.popitem(last=False)


def forget() -> None:
    with _lock:
        _asked.clear()


def on_commit(sender: Any, **kwargs: Any) -> None:
    """`kttt.changes.committed`: wake the refresher (started on first use)."""
    global _thread
    if not (settings.KTTT_FIGURE_REFRESH and settings.KTTT_FIGURE_CACHE):
        return
    with _lock:
        if _thread is None or not _thread.is_alive():
            _thread = threading.Thread(target=_loop, name="kttt-figures", daemon=True)
            _thread.start()
    _wake.set()


def _loop() -> None:
    while True:
        _wake.wait()
        time.sleep(1)  # let the writes of one burst commit first
        _wake.clear()
        try:
            refresh()
        except Exception:  # a page computes what the refresher could not
            logger.exception("refreshing the kept figures failed")
        finally:
            connection.close()  # this thread's own connection
        # A pause after each refresh bounds the share of a core the refresher takes.
        time.sleep(settings.KTTT_FIGURE_REFRESH_PAUSE)


def refresh() -> int:
    """Compute again, under the current version, every result asked within the last day
    that is not kept for it; returns how many were computed. Latest asked first."""
    from kttt.indicators.cache import MISS, Kept

    now = time.monotonic()
    with _lock:
        entries = [(e, v) for e, v in reversed(_asked.items()) if now - v[0] <= ASKED_FOR]
    done = 0
    for (name, args, year), (_at, language, make) in entries:
        with translation.override(language or None):
            kept = Kept(year)
            if kept.get(name, args) is MISS:
                kept.computed(name, args, make)  # with the pages asking it meanwhile
                done += 1
    return done
