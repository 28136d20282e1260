"""Reusable querysets over the registry: status and location read at a date."""

import datetime as dt

from django.db.models import OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from kttt.areas.services import Area, located_in_q
from kttt.registry.history import in_force
from kttt.registry.models import Entity, Location, Status, StatusChange, YearlyReport


def status_at(on: dt.date) -> Coalesce:
    """An expression for the entity's status on `on` (active before its first change)."""
    row = StatusChange.objects.filter(in_force(on, "date"), entity=OuterRef("pk"))
    # order_by(): no default ordering (it would join the entity to sort by name).
    return Coalesce(Subquery(row.order_by().values("status")[:1]), Value(Status.ACTIVE.value))


def location_at(on: dt.date) -> Subquery:
    """An expression for the id of the unit where the entity is on `on`."""
    row = Location.objects.filter(in_force(on, "valid_from"), entity=OuterRef("pk"))
    return Subquery(row.order_by().values("unit")[:1])


def current_locations(on: dt.date) -> QuerySet[Location]:
    """The one location row in force on `on` for each entity that has one."""
    return Location.objects.filter(in_force(on, "valid_from"))


def in_area(entities: QuerySet[Entity], area: Area) -> QuerySet[Entity]:
    """Entities located in the area on the area's location date (DOMAIN.md §3)."""
    rows = current_locations(area.location_date).filter(located_in_q(area))
    return entities.filter(pk__in=rows.values("entity_id"))


def active_at(entities: QuerySet[Entity], on: dt.date) -> QuerySet[Entity]:
    """Established by `on` and active on it: no status row other than active in force."""
    inactive = StatusChange.objects.filter(in_force(on, "date")).exclude(status=Status.ACTIVE)
    return entities.filter(established_on__lte=on).exclude(pk__in=inactive.values("entity_id"))


def search(entities: QuerySet[Entity], text: str) -> QuerySet[Entity]:
    """Every word must appear, ignoring case and diacritics ("phuc hung" finds "Phúc Hưng")."""
    from kttt.lib.text import fold

    condition = Q()
    for word in fold(text).split():
        condition &= Q(search_text__contains=word)
    return entities.filter(condition)


def listed(
    entities: QuerySet[Entity],
    *,
    on: dt.date,
    text: str = "",
    area: Area | None = None,
    sector: str = "",
    kind: str = "",
    status: str = "",
) -> QuerySet[Entity]:
    """The registry's list (the page /htx/, its export and the API): the entities matching
    the filters, with their status and commune on `on` as annotations `current_status`,
    `commune_code` and `commune_name` (subqueries, so that the number of queries does not
    grow with the rows). Not ordered: each caller says its order."""
    if text:
        entities = search(entities, text)
    if area is not None:
        entities = in_area(entities, area)
    if sector:
        entities = entities.filter(sector=sector)
    if kind:
        entities = entities.filter(kind=kind)
    here = Location.objects.filter(entity=OuterRef("pk"), valid_from__lte=on).order_by(
        "-valid_from"
    )
    found = entities.annotate(
        current_status=status_at(on),
        commune_code=Subquery(here.values("unit__code")[:1]),
        commune_name=Subquery(here.values("unit__name")[:1]),
    )
    if status:
        found = found.filter(current_status=status)
    return found


def report_years() -> list[int]:
    """Every year with at least one yearly row, newest first (the year menus)."""
    years = YearlyReport.objects.order_by().values_list("year", flat=True).distinct()
    return sorted(years, reverse=True)
