"""Dated histories (location, status) carry a derived `valid_to`: the last day before the
entity's next row, or null for the row in force now. With it, "the row in force on D" is a
plain range filter that databases index, instead of a "latest row before D" subquery per
entity, which is what makes national indicators fast (docs/performance.md).

Every writer of Location or StatusChange rows calls refresh_intervals() for the entities it
touched, in the same transaction.
"""

import datetime as dt
from collections.abc import Iterable

from django.db.models import Model, Q

from kttt.registry.models import Location, StatusChange

CHUNK = 500


def _refresh(model: type[Model], start_field: str, entity_ids: list[int] | None) -> int:
    rows = model.objects.order_by("entity_id", start_field, "pk")  # type: ignore[attr-defined]
    if entity_ids is not None:
        rows = rows.filter(entity_id__in=entity_ids)
    changed = []
    previous = None
    for row in rows.only("pk", "entity_id", start_field, "valid_to").iterator(chunk_size=5000):
        if previous is not None and previous.entity_id == row.entity_id:
            end = getattr(row, start_field) - dt.timedelta(days=1)
        else:
            end = None
        if previous is not None:
            previous_end = end if previous.entity_id == row.entity_id else None
            if previous.valid_to != previous_end:
                previous.valid_to = previous_end
                changed.append(previous)
        previous = row
    if previous is not None and previous.valid_to is not None:
        previous.valid_to = None
        changed.append(previous)
    model.objects.bulk_update(changed, ["valid_to"], batch_size=CHUNK)  # type: ignore[attr-defined]
    return len(changed)


def refresh_intervals(entity_ids: Iterable[int] | None = None) -> None:
    """Recompute valid_to of the location and status rows of these entities (all if None)."""
    ids = None if entity_ids is None else sorted(set(entity_ids))
    if ids is None:
        _refresh(Location, "valid_from", None)
        _refresh(StatusChange, "date", None)
        return
    for i in range(0, len(ids), CHUNK):
        chunk = ids[i : i + CHUNK]
        _refresh(Location, "valid_from", chunk)
        _refresh(StatusChange, "date", chunk)


def in_force(on: dt.date, start_field: str) -> Q:
    """The rows in force on `on`."""
    return Q(**{f"{start_field}__lte": on}) & (Q(valid_to__isnull=True) | Q(valid_to__gte=on))
