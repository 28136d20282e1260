"""The only way pages, exports and commands acting for a user reach registry objects.

Another area's object answers 404 (the same as a missing one); a role that may read but
not write answers 403 to a write.
"""

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass, field
from functools import cached_property

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from kttt.accounts.models import Membership, Role
from kttt.areas.services import (
    COUNTRY,
    Area,
    AreaError,
    located_in_q,
    resolve_area,
    unit_in_area_q,
)
from kttt.registry.models import Entity
from kttt.registry.queries import current_locations

# Roles that may change the registry (entities, yearly data, OCOP) within their scope.
REGISTRY_WRITERS = {Role.ADMIN, Role.PLANNING, Role.COMMUNE}
# Roles that may enter figures (yearly data, OCOP) for the entities they can see.
FIGURE_WRITERS = REGISTRY_WRITERS | {Role.COOPERATIVE}
# Roles that may enter and change plans and their targets, within their area.
PLAN_WRITERS = {Role.ADMIN, Role.PLANNING}


def today() -> dt.date:
    return timezone.localdate()


@dataclass
class Scope:
    """What a user may see and do, computed once per request."""

    user_id: int | None
    is_superuser: bool
    memberships: list[Membership]
    # Area selectors read during the request, by (code, date): pages ask for the same few.
    _resolved: dict[tuple[str, dt.date], Area | None] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    @classmethod
    def of(cls, user: object) -> "Scope":
        if not getattr(user, "is_authenticated", False):
            return cls(None, False, [])
        user_id: int = getattr(user, "pk", 0)  # authenticated, so saved
        memberships = list(Membership.objects.filter(user_id=user_id).select_related("cooperative"))
        return cls(user_id, bool(getattr(user, "is_superuser", False)), memberships)

    @property
    def roles(self) -> set[str]:
        return {m.role for m in self.memberships} | ({Role.ADMIN} if self.is_superuser else set())

    @property
    def is_admin(self) -> bool:
        return Role.ADMIN in self.roles

    @cached_property
    def areas(self) -> list[tuple[Membership, Area]]:
        resolved = []
        for m in self.memberships:
            # A cooperative representative sees its cooperative only, whatever area is set.
            if m.area_code and m.role not in (Role.ADMIN, Role.COOPERATIVE):
                try:
                    resolved.append((m, resolve_area(m.area_code, today())))
                except AreaError:
                    continue  # a scope whose unit cannot be read grants nothing
        return resolved

    def _area_filter(self, roles: Collection[str]) -> Q | None:
        """Entities visible through memberships of the given roles; None means everything."""
        if self.is_admin:
            return None
        condition = Q(pk__in=[])
        rows = current_locations(today())
        for m, area in self.areas:
            if m.role in roles:
                in_area = rows.filter(located_in_q(area), entity=OuterRef("pk"))
                condition |= Q(Exists(in_area))
        for m in self.memberships:
            if m.role == Role.COOPERATIVE and m.role in roles and m.cooperative_id:
                condition |= Q(pk=m.cooperative_id)
        return condition

    def visible(self) -> QuerySet[Entity]:
        condition = self._area_filter(set(Role))
        return Entity.objects.all() if condition is None else Entity.objects.filter(condition)

    def writable(self, roles: Collection[str]) -> QuerySet[Entity]:
        condition = self._area_filter(roles)
        return Entity.objects.all() if condition is None else Entity.objects.filter(condition)

    def can_create_entities(self) -> bool:
        return bool(self.roles & REGISTRY_WRITERS)

    def can_import(self) -> bool:
        return bool(self.roles & {Role.ADMIN, Role.PLANNING, Role.COMMUNE})

    def can_manage_units(self) -> bool:
        return self.is_admin

    def reads_area_figures(self) -> bool:
        """Has the user an area whose figures (indicators, plans) it may read?"""
        return self.is_admin or any(m.area_code and m.role != Role.ADMIN for m in self.memberships)

    def can_write_plans(self) -> bool:
        return bool(self.roles & PLAN_WRITERS)

    def area_at(self, code: str, on: dt.date) -> Area | None:
        """The area selector `code` read at `on`, or None when it names nothing then."""
        key = (str(code).strip().upper(), on)
        if key not in self._resolved:
            try:
                self._resolved[key] = resolve_area(key[0], on)
            except AreaError:
                self._resolved[key] = None
        return self._resolved[key]

    def may_read_area(
        self, area_code: str, on: dt.date, *, roles: Collection[str] | None = None
    ) -> bool:
        """May the user ask for figures of the area selector `area_code` read at `on` (31/12
        of a year)? The area must be one of the user's membership areas or lie inside one,
        the membership codes being read at the same date. An area whose unit had ended is
        matched by its code, or, in a later year, by the units that succeeded it (as
        `visible()` does). With `roles`, only memberships of those roles count."""
        if self.is_admin:
            return True
        wanted = self.area_at(area_code, on)
        if wanted is None:
            return False
        for m in self.memberships:
            if (
                not m.area_code
                or m.role == Role.ADMIN
                or (roles is not None and m.role not in roles)
            ):
                continue
            mine = self.area_at(m.area_code, on)
            if mine is not None and area_inside(wanted, mine):
                return True
        return False

    def may_place_in(self, unit_id: int) -> bool:
        """May this user put an entity in that commune (create, import, move)?"""
        if self.is_admin:
            return True
        from kttt.areas.models import Unit

        for m, area in self.areas:
            if m.role in REGISTRY_WRITERS and (
                Unit.objects.filter(unit_in_area_q(area), pk=unit_id).exists()
            ):
                return True
        return False


def area_inside(wanted: Area, mine: Area) -> bool:
    if mine.code == COUNTRY or wanted.code == mine.code:
        return True
    if wanted.code == COUNTRY:
        return False
    units = set(wanted.roots) or ({wanted.unit.pk} if wanted.unit else set())
    if not units:
        return False
    from kttt.areas.models import Unit

    return Unit.objects.filter(unit_in_area_q(mine), pk__in=units).count() == len(units)


def scope_of(request_or_user: object) -> Scope:
    """The scope of a request's user, cached on the request."""
    cached = getattr(request_or_user, "_kttt_scope", None)
    if cached is not None:
        return cached  # type: ignore[no-any-return]
    user = getattr(request_or_user, "user", request_or_user)
    scope = Scope.of(user)
    if hasattr(request_or_user, "user"):
        request_or_user._kttt_scope = scope  # type: ignore[attr-defined]
    return scope


def access_entity_by_code(
    request_or_user: object, code: str, *, write: str | None = None
) -> Entity:
    """The entity with that code if the user may see it, else 404. With write="registry"
    or write="figures", also 403 unless the user may change it that way."""
    scope = scope_of(request_or_user)
    entity = scope.visible().filter(code=code).first()
    if entity is None:
        raise Http404
    if write is not None:
        roles = REGISTRY_WRITERS if write == "registry" else FIGURE_WRITERS
        if not scope.writable(roles).filter(pk=entity.pk).exists():
            raise PermissionDenied
    return entity


def require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied
