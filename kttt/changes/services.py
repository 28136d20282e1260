"""Recording a change and reading the current version."""

import uuid

from django.db import connection, transaction
from django.db.models import Max, Q
from django.dispatch import Signal

from kttt.changes.models import Change

# Sent once a transaction that recorded changes has committed (at once in autocommit): the
# new version is visible to every process. Receivers get `year` (None: every year).
committed = Signal()

# Rows kept after a prune besides the newest of each year, and how often (in rows added)
# pruning runs.
KEEP = 100
PRUNE_EVERY = 500


def data_changed(year: int | None = None) -> None:
    """Record a write of tracked data, in the caller's transaction: the new version becomes
    visible when, and only when, the write does. `year`: the write touched only that year's
    yearly figures. The signals call it for every save and delete of a tracked model; a
    caller writing without signals calls it itself."""
    change = Change.objects.create(token=uuid.uuid4().hex, year=year)
    if change.pk % PRUNE_EVERY == 0:
        _prune(change.pk)
    transaction.on_commit(lambda: committed.send(sender=Change, year=year))


def _prune(last: int) -> None:
    # The newest row of each year (and of "every year") stays: every version read below is
    # the newest of some of those groups, so pruning never brings back an older token.
    newest = list(Change.objects.values("year").annotate(n=Max("pk")).values_list("n", flat=True))
    Change.objects.filter(pk__lte=last - KEEP).exclude(pk__in=newest).delete()


def data_version(year: int | None = None) -> str:
    """The token of the newest committed change ("" before any), in one indexed read. With
    `year`: of the newest change the figures of that year read (that year's rows, the year
    before's, and every change not tied to a year)."""
    changes = Change.objects.order_by("-pk")
    if year is not None:
        changes = changes.filter(Q(year__isnull=True) | Q(year__in=(year - 1, year)))
    return changes.values_list("token", flat=True).first() or ""


def hold_writes() -> None:
    """In a transaction: no other write of tracked data can commit until this one ends, so
    that a `data_version()` read now stays true until the caller's own writes commit. On
    SQLite the write transaction already holds the database's one write lock (settings:
    transaction_mode IMMEDIATE); on PostgreSQL every tracked write inserts a `Change` row,
    which an EXCLUSIVE lock on that table makes wait (readers are not blocked)."""
    assert connection.in_atomic_block, "hold_writes() needs a transaction"
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"LOCK TABLE {Change._meta.db_table} IN EXCLUSIVE MODE")
