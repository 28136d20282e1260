"""Writing a checked import plan: all of it in one transaction, or nothing.

New rows go in with prepared multi-row INSERTs (`_insert`) rather than bulk_create:
building 150.000 model instances costs more than the writes themselves (docs/performance.md).
"""

import functools
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

from django.db import connections, models, router, transaction
from django.utils import timezone

from kttt.changes.services import data_changed, data_version, hold_writes
from kttt.registry.excel.importing import (
    BATCH_SIZE,
    ENTITY_VALUE_FIELDS,
    OCOP_VALUE_FIELDS,
    SOURCE,
    YEARLY_VALUE_FIELDS,
    Counts,
    ImportPlan,
    chunks,
    plan_import,
    touched_state,
)
from kttt.registry.excel.reading import Problems
from kttt.registry.grading import attach_years
from kttt.registry.history import refresh_intervals
from kttt.registry.models import (
    AuditEntry,
    Entity,
    Location,
    OcopProduct,
    ReviewStatus,
    StatusChange,
    YearlyReport,
    YearlyReview,
)
from kttt.registry.services import User, review_step


def apply_plan(plan: ImportPlan, *, user: User = None, source: str = SOURCE) -> None:
    """Write a problem-free plan in one transaction.

    New rows go in with plain multi-row INSERTs (`_insert`): building 150.000 model
    instances for bulk_create costs more than the writes themselves. Updates, which are
    few, go through bulk_update."""
    assert plan.ok, "a plan with problems must not be applied"
    now = timezone.now()
    user_id = user.pk if getattr(user, "pk", None) else None  # type: ignore[union-attr]
    with transaction.atomic():
        data_changed()  # rows go in without model signals (kttt.changes)
        _insert(
            Entity,
            (
                "code",
                *ENTITY_VALUE_FIELDS,
                "address",
                "phone",
                "representative",
                "listed_publicly",  # an imported cooperative has not agreed to be listed
                "search_text",
                "sort_name",
                "created_at",
                "updated_at",
            ),
            [
                (
                    e.code,
                    *(getattr(e, f) for f in ENTITY_VALUE_FIELDS),
                    e.address,
                    e.phone,
                    e.representative,
                    False,
                    e.search_text,
                    e.sort_name,
                    now,
                    now,
                )
                for e in plan.new_entities
            ],
        )
        by_code = {e.code: e for e in plan.new_entities}
        for chunk in chunks(list(by_code)):
            for code, pk in Entity.objects.filter(code__in=chunk).values_list("code", "pk"):
                by_code[code].pk = pk
        if plan.changed_entities:
            for entity in plan.changed_entities.values():
                entity.updated_at = now
            Entity.objects.bulk_update(
                list(plan.changed_entities.values()),
                [*sorted(plan.entity_fields), "updated_at"],
                batch_size=BATCH_SIZE,
            )
        if plan.changed_locations:
            Location.objects.bulk_update(
                list(plan.changed_locations.values()),
                ["unit", "valid_from"],
                batch_size=BATCH_SIZE,
            )
        _insert(
            Location,
            ("entity", "unit", "valid_from", "note"),
            [(loc.entity.pk, loc.unit_id, loc.valid_from, "") for loc in plan.new_locations],
        )
        _insert(
            StatusChange,
            ("entity", "status", "date", "note"),
            [(c.entity.pk, c.status, c.date, "") for c in plan.new_statuses],
        )
        refresh_intervals(_history_touched(plan))
        # Imported figures count as approved, reported when written (docs/approval.md).
        _insert(
            YearlyReport,
            ("entity", "year", *YEARLY_VALUE_FIELDS, "status", "reported_at", "updated_at"),
            [
                (entity.pk, year, *values, ReviewStatus.APPROVED, now, now)
                for entity, year, values in plan.new_reports
            ],
        )
        if plan.changed_reports:
            for report in plan.changed_reports:
                report.updated_at = now
            YearlyReport.objects.bulk_update(
                plan.changed_reports,
                [*sorted(plan.report_fields), "updated_at"],
                batch_size=BATCH_SIZE,
            )
            _approve_changed([report.pk for report in plan.changed_reports], user, source)
        # The grades written are given under their year's rule (kttt.registry.grading).
        attach_years(
            {year for _entity, year, _values in plan.new_reports}
            | {report.year for report in plan.changed_reports}
        )
        _insert(
            OcopProduct,
            ("entity", "name", *OCOP_VALUE_FIELDS),
            [
                (p.entity.pk, p.name, *(getattr(p, f) for f in OCOP_VALUE_FIELDS))
                for p in plan.new_products
            ],
        )
        if plan.changed_products:
            OcopProduct.objects.bulk_update(
                plan.changed_products, sorted(plan.product_fields), batch_size=BATCH_SIZE
            )
        _insert(
            AuditEntry,
            ("entity", "at", "user", "action", "target", "changes", "source"),
            [
                (entity.pk, now, user_id, action, target, changes, source)
                for entity, action, target, changes in plan.audits
            ],
            raw=("changes",),  # already JSON
        )


def _approve_changed(pks: list[int], user: User, source: str) -> None:
    """Approve the changed rows that were waiting (draft, submitted, returned), logging
    the step as the web's approval does."""
    for chunk in chunks(pks):
        waiting = YearlyReport.objects.filter(pk__in=chunk).exclude(status=ReviewStatus.APPROVED)
        for report in waiting.select_related("entity"):
            review_step(
                report,
                YearlyReview.Action.APPROVE,
                to=ReviewStatus.APPROVED,
                user=user,
                source=source,
            )


def _history_touched(plan: ImportPlan) -> set[int]:
    """Entities whose location or status rows need their derived valid_to recomputed: all
    but a new entity's single first row, which is right as inserted (open-ended)."""
    new_ids = {e.pk for e in plan.new_entities}
    locations = Counter(loc.entity.pk for loc in plan.new_locations)
    statuses = Counter(c.entity.pk for c in plan.new_statuses)
    touched = {loc.entity_id for loc in plan.changed_locations.values()}
    for counts in (locations, statuses):
        touched |= {pk for pk, n in counts.items() if n > 1 or pk not in new_ids}
    return touched


def _insert(
    model: type[models.Model],
    names: Sequence[str],
    rows: list[tuple[Any, ...]],
    raw: Sequence[str] = (),
) -> None:
    """INSERT rows of Python values, adapted as the ORM adapts them (dates, decimals,
    datetimes). One row per statement, so SQLite's variable limit never applies; the
    driver prepares the statement once per executemany batch."""
    if not rows:
        return
    fields = [cast(models.Field, model._meta.get_field(name)) for name in names]
    conn = connections[router.db_for_write(model)]
    ops, quote = conn.ops, conn.ops.quote_name
    adapters: list[Callable[[Any], Any] | None] = []
    for name, f in zip(names, fields, strict=True):
        if name in raw:
            adapters.append(None)
        elif isinstance(f, models.DateTimeField):
            # One timestamp for the whole import: adapt it once.
            adapters.append(functools.lru_cache(maxsize=4)(ops.adapt_datetimefield_value))
        elif isinstance(f, models.DateField):
            adapters.append(ops.adapt_datefield_value)
        elif isinstance(f, models.DecimalField):
            adapters.append(
                functools.partial(
                    ops.adapt_decimalfield_value,
                    max_digits=f.max_digits,
                    decimal_places=f.decimal_places,
                )
            )
        else:
            adapters.append(None)  # int, str, bool: the drivers take them as they are
    sql = "INSERT INTO {} ({}) VALUES {}".format(  # noqa: S608 - names from model meta
        quote(model._meta.db_table),
        ", ".join(quote(cast(str, f.column)) for f in fields),
        "({})".format(", ".join(["%s"] * len(fields))),
    )
    # Batches bound the memory of the adapted copies, not the statement size.
    per_batch = 5000
    with conn.cursor() as cursor:
        for batch in chunks(rows, per_batch):
            cursor.executemany(
                sql,
                [
                    tuple(
                        value if adapt is None or value is None else adapt(value)
                        for adapt, value in zip(adapters, row, strict=True)
                    )
                    for row in batch
                ],
            )


@dataclass
class Result:
    plan: ImportPlan
    applied: bool

    @property
    def problems(self) -> Problems:
        return self.plan.problems

    @property
    def counts(self) -> dict[str, Counts]:
        return self.plan.counts


def run_import(
    path: str | Path,
    *,
    user: User = None,
    scope: Any = None,
    dry_run: bool = False,
    source: str = SOURCE,
    limit: int | None = Problems.SHOWN,
) -> Result:
    """Check, and unless `dry_run` or there is any problem, write: all or nothing. `limit`:
    how many problems are kept (every one is counted; None keeps all).

    The check (most of the time) reads without a transaction, so other users keep saving
    while a large file is checked; only the write holds the write lock. Under that lock the
    writer looks again: if anything the file touches changed since the check read it, the
    file is checked again, under the lock, and written only if it still has no problem."""
    plan = plan_import(path, scope, limit=limit)
    if dry_run or not plan.ok:
        return Result(plan, applied=False)
    return write_checked(plan, path, user=user, scope=scope, source=source)


def write_checked(
    plan: ImportPlan,
    path: str | Path,
    *,
    user: User = None,
    scope: Any = None,
    source: str = SOURCE,
) -> Result:
    """Write a plan checked earlier without a lock, unless what it read has changed since:
    then `path` is checked again, under the write lock, and written only if still clean."""
    with transaction.atomic():
        hold_writes()
        if data_version() != plan.version and touched_state(plan.codes, scope) != plan.state:
            plan = plan_import(path, scope, limit=plan.problems.limit)
            if not plan.ok:
                return Result(plan, applied=False)
        apply_plan(plan, user=user, source=source)
    return Result(plan, applied=True)
