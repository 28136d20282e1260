"""Reusable querysets over the registry: status and location read at a date."""

import datetime as dt

from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from kttt.areas.services import Area, located_in_q
from kttt.registry.models import Entity, Location, Status, StatusChange


def status_at(on: dt.date) -> Coalesce:
    """An expression for the entity's status on `on` (active before its first change)."""
    latest = (
        StatusChange.objects.filter(entity=OuterRef("pk"), date__lte=on)
        .order_by("-date", "-pk")
        .values("status")[:1]
    )
    return Coalesce(Subquery(latest), Value(Status.ACTIVE.value))


def location_at(on: dt.date) -> Subquery:
    """An expression for the id of the unit where the entity is on `on`."""
    return Subquery(
        Location.objects.filter(entity=OuterRef("pk"), valid_from__lte=on)
        .order_by("-valid_from")
        .values("unit")[:1]
    )


def current_locations(on: dt.date) -> QuerySet[Location]:
    """The one location row in force on `on` for each entity that has one."""
    later = Location.objects.filter(
        entity=OuterRef("entity"), valid_from__lte=on, valid_from__gt=OuterRef("valid_from")
    )
    return Location.objects.filter(valid_from__lte=on).exclude(Exists(later))


def in_area(entities: QuerySet[Entity], area: Area) -> QuerySet[Entity]:
    """Entities located in the area on the area's location date (DOMAIN.md §3)."""
    rows = current_locations(area.location_date).filter(located_in_q(area))
    return entities.filter(Exists(rows.filter(entity=OuterRef("pk"))))


def active_at(entities: QuerySet[Entity], on: dt.date) -> QuerySet[Entity]:
    return entities.filter(established_on__lte=on).alias(_status=status_at(on)).filter(
        _status=Status.ACTIVE
    )


def search(entities: QuerySet[Entity], text: str) -> QuerySet[Entity]:
    """Every word must appear, ignoring case and diacritics ("phuc hung" finds "Phúc Hưng")."""
    from kttt.lib.text import fold

    condition = Q()
    for word in fold(text).split():
        condition &= Q(search_text__contains=word)
    return entities.filter(condition)
