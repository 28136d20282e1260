"""Reading the dashboards and reports from a PostgreSQL read replica (issue 11, docs/
deployment.md "Scaling out").

With DATABASE_REPLICA_URL set, settings add the database alias "replica" and this router.
Reads go to the replica only inside `reading_replica()` (the home page, the indicator pages,
report generation use it), and only when all of these hold:

- the replica had replayed, when the block began, everything the primary had committed
  (its replay position is at or past the primary's WAL insert position, read once per
  block):
  whatever the user, or anyone, wrote before the request is there (read-your-writes), and
  the data's version (`kttt.changes.data_version`, the figure cache's key) is read from the
  same database as the figures it keys, so a lagging replica can never pair an old result
  with a new version;
- no transaction is open on the primary (reads inside a write transaction see its writes);
- nothing was written in the block so far (after a write, its reads go to the primary).

Anything else, and every read outside such a block, goes to the primary. A replica that
cannot be reached is logged and the block reads the primary.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections

REPLICA = "replica"
logger = logging.getLogger(__name__)

# Inside a block: True while the replica may be read; False once the block fell back to the
# primary (lag, an error, a write). None: outside any block.
_use_replica: ContextVar[bool | None] = ContextVar("kttt_use_replica", default=None)


def replica_configured() -> bool:
    return REPLICA in connections.settings


def caught_up() -> bool:
    """Whether the replica has replayed everything the primary had written when asked: the
    primary's WAL insert position read first, then the replica's replay position. (The
    insert position, not the write position: with synchronous_commit=off a commit may not be
    written out yet, yet its rows are visible on the primary.)"""
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute("SELECT pg_current_wal_insert_lsn()")
        (primary,) = cursor.fetchone()
    with connections[REPLICA].cursor() as cursor:
        cursor.execute(
            "SELECT pg_is_in_recovery(), pg_last_wal_replay_lsn() >= %s::pg_lsn",
            [primary],
        )
        recovering, replayed = cursor.fetchone()
    return bool(recovering and replayed)


@contextmanager
def reading_replica() -> Iterator[bool]:
    """Read from the replica inside the block when it has caught up; yields whether it does.
    Nested blocks keep the outer block's decision. Usable as a decorator too (`@contextmanager`
    objects are ContextDecorators)."""
    if _use_replica.get() is not None or not replica_configured():
        yield bool(_use_replica.get())
        return
    if connections[DEFAULT_DB_ALIAS].in_atomic_block:
        use = False
    else:
        try:
            use = caught_up()
        except DatabaseError as error:
            logger.warning("read replica unavailable, reading the primary: %s", error)
            use = False
    token = _use_replica.set(use)
    try:
        yield use
    finally:
        _use_replica.reset(token)


class ReplicaRouter:
    """settings.DATABASE_ROUTERS when DATABASE_REPLICA_URL is set."""

    def db_for_read(self, model: Any, **hints: Any) -> str:
        if _use_replica.get() and not connections[DEFAULT_DB_ALIAS].in_atomic_block:
            return REPLICA
        return DEFAULT_DB_ALIAS

    def db_for_write(self, model: Any, **hints: Any) -> str:
        if _use_replica.get():
            _use_replica.set(False)  # read-your-writes for the rest of the block
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool:
        return True  # the same data on both

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool:
        return db != REPLICA  # a replica is read-only: it follows the primary
