"""Who a user is for access: roles, territory through time, and the area selectors the user
may read (docs/roles.md). Used by every other module of `kttt.access`; it knows units and
memberships, not cooperatives or plans."""

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass, field
from functools import cached_property

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from kttt.accounts.models import Membership, Role
from kttt.areas.models import Level, Unit
from kttt.areas.services import (
    COUNTRY,
    Area,
    AreaError,
    resolve_area,
    unit_in_area_q,
    unit_in_territory_q,
)

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
    # Answers of may_read_area, by (code, date, roles): a list asks the same few.
    _readable: dict[tuple[str, dt.date, frozenset[str] | None], bool] = field(
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

    def can_create_entities(self) -> bool:
        return bool(self.roles & REGISTRY_WRITERS)

    def can_import(self) -> bool:
        return bool(self.roles & {Role.ADMIN, Role.PLANNING, Role.COMMUNE})

    def represents_cooperative(self) -> bool:
        """Has the user a cooperative of its own (its page /htx-cua-toi/)?"""
        return any(m.role == Role.COOPERATIVE and m.cooperative_id for m in self.memberships)

    def approves_figures(self) -> bool:
        """Does the user approve yearly figures (the review queue)?"""
        return bool(self.roles & {Role.ADMIN, Role.PLANNING})

    def has_yearly_work(self) -> bool:
        """Has the user yearly figures to enter, send or approve (Việc của tôi)?"""
        return bool(self.roles & {Role.ADMIN, Role.PLANNING, Role.COMMUNE, Role.COOPERATIVE})

    def can_manage_units(self) -> bool:
        return self.is_admin

    def can_manage_accounts(self) -> bool:
        """The account pages (/tai-khoan/): create, roles, deactivate, reset links."""
        return self.is_admin

    def can_manage_grading_rules(self) -> bool:
        """Recording and changing the grading rules (reference data): administrators."""
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
        of a year)? Every unit of the area (with the ended units it absorbed) must lie in
        the user's territory (the unit of a membership read today, with the units that went
        into it: `territory_q`). So a district officer of Huyện Phong Thổ reads Xã Phong Thổ
        in 2025 and Thị trấn Phong Thổ in 2024, and a commune officer of Xã Phong Thổ reads
        Thị trấn Phong Thổ in 2021.
        With `roles`, only memberships of those roles count."""
        if self.is_admin:
            return True
        key = (str(area_code).strip().upper(), on, None if roles is None else frozenset(roles))
        if key not in self._readable:
            self._readable[key] = self._may_read(area_code, on, roles)
        return self._readable[key]

    def _may_read(self, area_code: str, on: dt.date, roles: Collection[str] | None) -> bool:
        wanted = self.area_at(area_code, on)
        if wanted is None:
            return False
        if wanted.code == COUNTRY:
            return any(a.code == COUNTRY for m, a in self.areas if roles is None or m.role in roles)
        return _within(wanted, self.territory_q(roles))

    def territory_q(self, roles: Collection[str] | None = None) -> Q | None:
        """Q over Unit: the units of the user's territory through time (DOMAIN.md §3): each
        membership's unit read today, the units below it, and the ended units whose
        territory went into them through the recorded successions. None means every unit.
        With `roles`, only memberships of those roles count."""
        if self.is_admin:
            return None
        condition = Q(pk__in=[])
        for m, area in self.areas:
            if roles is not None and m.role not in roles:
                continue
            if area.code == COUNTRY:
                return None
            condition |= unit_in_territory_q(area)
        return condition

    def covers(self, unit: Unit, on: dt.date, *, roles: Collection[str] | None = None) -> bool:
        """Is this location (a commune read at a date) inside the user's territory? The one
        question behind creating, importing and moving entities: the unit must exist on the
        date and belong to the territory of a membership of `roles` (default: the roles
        that change the registry)."""
        if not unit.is_valid_at(on):
            return False
        territory = self.territory_q(REGISTRY_WRITERS if roles is None else roles)
        return territory is None or Unit.objects.filter(territory, pk=unit.pk).exists()

    def units_at(self, on: dt.date) -> QuerySet[Unit]:
        """The units of the user's territory that exist on `on` (area menus)."""
        territory = self.territory_q()
        units = Unit.objects.valid_at(on)
        return units if territory is None else units.filter(territory)

    def placeable_communes(self, on: dt.date | None = None) -> QuerySet[Unit]:
        """The communes where the user may put an entity (on `on`: those existing then),
        the list behind `covers`."""
        communes = Unit.objects.filter(level=Level.COMMUNE)
        if on is not None:
            communes = communes.valid_at(on)
        territory = self.territory_q(REGISTRY_WRITERS)
        return communes if territory is None else communes.filter(territory)


def area_inside(wanted: Area, mine: Area) -> bool:
    """Does every unit of `wanted` lie in the territory of `mine`?"""
    if mine.code == COUNTRY or wanted.code == mine.code:
        return True
    if wanted.code == COUNTRY:
        return False
    return _within(wanted, unit_in_territory_q(mine))


def _within(wanted: Area, territory: Q | None) -> bool:
    """Does every unit of `wanted` (roots and absorbed) lie in `territory` (None: all)?"""
    units = set(wanted.territory) or ({wanted.unit.pk} if wanted.unit else set())
    if not units:
        return False
    return territory is None or Unit.objects.filter(territory, pk__in=units).count() == len(units)


def scope_of(request_or_user: object) -> Scope:
    """The scope of a request's user (or of a user), cached on the request; a Scope is
    its own."""
    if isinstance(request_or_user, Scope):
        return request_or_user
    cached = getattr(request_or_user, "_kttt_scope", None)
    if cached is not None:
        return cached  # type: ignore[no-any-return]
    user = getattr(request_or_user, "user", request_or_user)
    scope = Scope.of(user)
    if hasattr(request_or_user, "user"):
        request_or_user._kttt_scope = scope  # type: ignore[attr-defined]
    return scope


def require(allowed: bool) -> None:
    """403 unless allowed: for a change a role may not make on something it may see."""
    if not allowed:
        raise PermissionDenied


def access_area(request_or_user: object, code: str, on: dt.date) -> Area:
    """The area selector `code` read at `on` (31/12 of a year) if the user may read its
    figures, else 404. A code that is malformed or names no unit raises `AreaError` (a bad
    request, whoever asks: it says nothing about anybody's data)."""
    scope = scope_of(request_or_user)
    area = resolve_area(code, on)
    if not scope.may_read_area(code, on):
        raise Http404
    return area


# --- the area menu of the pages that read an area's figures ------------------------------

LEVEL_ORDER: dict[str, int] = {Level.PROVINCE: 0, Level.DISTRICT: 1, Level.COMMUNE: 2}


def default_area(scope: Scope) -> str:
    """The area an area page opens on: the administrator's home area, else the first
    area of the user's roles."""
    if scope.is_admin:
        return str(settings.KTTT_HOME_AREA)
    return next(
        (m.area_code for m in scope.memberships if m.area_code and m.role != Role.ADMIN), ""
    )


def area_label(area: Area) -> str:
    return area.unit.label if area.unit is not None else area.name


def area_choices(scope: Scope, on: dt.date, asked: Area | None) -> list[tuple[str, str]]:
    """The user's own areas read at `on` (when readable then) and the units of the user's
    territory valid then; for an administrator the home area, its units, its province and
    the whole country."""
    if scope.is_admin:
        codes = [str(settings.KTTT_HOME_AREA)]
    else:
        codes = [m.area_code for m in scope.memberships if m.area_code and m.role != Role.ADMIN]
    bases = [
        area
        for code in codes
        if (area := scope.area_at(code, on)) is not None and scope.may_read_area(code, on)
    ]
    choices = {area.code: area_label(area) for area in bases}
    if scope.is_admin:
        below = Q(pk__in=[])
        for area in bases:
            below |= unit_in_area_q(area)
        units: QuerySet[Unit] = Unit.objects.valid_at(on).filter(below)
    else:
        units = scope.units_at(on)
    for unit in sorted(units, key=lambda u: (LEVEL_ORDER.get(u.level, 9), u.sort_name)):
        choices.setdefault(unit.code, unit.name)
    if scope.is_admin:
        home = bases[0].unit if bases else None
        province = home.province if home is not None and home.province_id else None
        if province is not None and province.is_valid_at(on):
            choices.setdefault(province.code, province.name)
        choices.setdefault(COUNTRY, _("Toàn quốc"))
    if asked is not None:
        choices.setdefault(asked.code, area_label(asked))
    return list(choices.items())
