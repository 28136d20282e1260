"""Access to the registry's cooperatives (entities) and what hangs off them.

An entity is visible when its current location (today) lies in the territory of one of the
user's memberships (`Scope.territory_q`), or it is the cooperative of a representative.
"""

from collections.abc import Collection

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from kttt.access.scope import FIGURE_WRITERS, REGISTRY_WRITERS, Scope, scope_of, today
from kttt.accounts.models import Role
from kttt.areas.models import Unit
from kttt.registry.models import Entity, GradingRule, YearlyReport
from kttt.registry.queries import current_locations


def _entity_filter(scope: Scope, roles: Collection[str]) -> Q | None:
    """Entities reached through memberships of the given roles: located today in the
    territory (`Scope.territory_q`, the same question as `Scope.covers`), or the
    representative's cooperative. None means every one."""
    territory = scope.territory_q(roles)
    if territory is None:
        return None
    units = Unit.objects.filter(territory).values("pk")
    located = current_locations(today()).filter(unit__in=units, entity=OuterRef("pk"))
    condition = Q(pk__in=[])
    if any(m.role in roles for m, _area in scope.areas):
        condition |= Q(Exists(located))
    for m in scope.memberships:
        if m.role == Role.COOPERATIVE and m.role in roles and m.cooperative_id:
            condition |= Q(pk=m.cooperative_id)
    return condition


def entities_visible_to(request_or_user: object) -> QuerySet[Entity]:
    """The entities the user may see (lists, exports, names on pages): those reached
    through any of its roles."""
    return entities_writable_by(request_or_user, set(Role))


def entities_writable_by(request_or_user: object, roles: Collection[str]) -> QuerySet[Entity]:
    """The entities the user may change through memberships of `roles`."""
    condition = _entity_filter(scope_of(request_or_user), roles)
    return Entity.objects.all() if condition is None else Entity.objects.filter(condition)


def writer_roles(write: str) -> set[str]:
    """The roles behind a kind of change: "registry" (the entity, its status and location)
    or "figures" (yearly data, OCOP products)."""
    return set(REGISTRY_WRITERS if write == "registry" else FIGURE_WRITERS)


def may_write_entity(request_or_user: object, entity: Entity, write: str) -> bool:
    return entities_writable_by(request_or_user, writer_roles(write)).filter(pk=entity.pk).exists()


def access_entity(request_or_user: object, code: str, *, write: str | None = None) -> Entity:
    """The entity with that code if the user may see it, else 404. With write="registry"
    or write="figures", also 403 unless the user may change it that way."""
    entity = entities_visible_to(request_or_user).filter(code=code).first()
    if entity is None:
        raise Http404
    if write is not None and not may_write_entity(request_or_user, entity, write):
        raise PermissionDenied
    return entity


# Roles whose yearly figures count as approved when written, and who approve, return and
# reopen the figures of the cooperatives in their territory (docs/approval.md).
APPROVERS = {Role.ADMIN, Role.PLANNING}


def entities_approved_by(request_or_user: object) -> QuerySet[Entity]:
    """The entities whose yearly figures the user approves."""
    return entities_writable_by(request_or_user, APPROVERS)


def approves_figures(request_or_user: object, entity: Entity) -> bool:
    """Does the user approve this entity's figures (so that its own writes are approved)?"""
    return entities_approved_by(request_or_user).filter(pk=entity.pk).exists()


def is_approver(request_or_user: object) -> bool:
    return bool(scope_of(request_or_user).roles & APPROVERS)


def access_yearly(
    request_or_user: object, code: str, year: int, *, review: bool = False
) -> YearlyReport:
    """A year's figures of a cooperative the user sees (else 404). With review=True also
    403 unless the user approves that cooperative's figures; otherwise 403 unless the user
    enters its figures."""
    entity = access_entity(request_or_user, code, write=None if review else "figures")
    report = entity.reports.filter(year=year).first()
    if report is None:
        raise Http404
    if review and not approves_figures(request_or_user, entity):
        raise PermissionDenied
    report.entity = entity
    return report


def may_change_yearly(request_or_user: object, report: YearlyReport) -> bool:
    """May the user change (or remove) these figures now? Approved figures are locked for
    all but those who approve."""
    if not may_write_entity(request_or_user, report.entity, "figures"):
        return False
    return not report.locked or approves_figures(request_or_user, report.entity)


def represented_cooperatives(request_or_user: object) -> list[Entity]:
    """The cooperatives the user represents (role cooperative)."""
    scope = scope_of(request_or_user)
    ids = [m.cooperative_id for m in scope.memberships if m.role == Role.COOPERATIVE]
    return list(Entity.objects.filter(pk__in=[i for i in ids if i]).order_by("sort_name"))


def code_taken_message(request_or_user: object, code: str) -> str:
    """Why a new entity cannot take `code`. An entity the user may not see is not named:
    out of the territory, records look missing everywhere (a different area's code would
    otherwise be confirmed by the refusal)."""
    if entities_visible_to(request_or_user).filter(code=code).exists():
        return _("Mã số HTX %(code)s đã có trong sổ.") % {"code": code}
    return _(
        "Không dùng được mã số HTX %(code)s. Nếu đây là HTX trên địa bàn của bạn, "
        "hãy liên hệ quản trị hệ thống."
    ) % {"code": code}


def visible_codes(request_or_user: object, codes: Collection[str]) -> set[str]:
    """The codes among `codes` of the entities the user may see (one query): a list of
    cooperatives shown to a user (a data check's) names no other."""
    wanted = set(codes)
    if not wanted:
        return set()
    return set(
        entities_visible_to(request_or_user).filter(code__in=wanted).values_list("code", flat=True)
    )


def may_manage_grading_rules(request_or_user: object) -> bool:
    return scope_of(request_or_user).can_manage_grading_rules()


def access_grading_rule(request_or_user: object, pk: int) -> GradingRule:
    """A grading rule to change: 403 unless the user manages grading rules, 404 when
    missing."""
    if not may_manage_grading_rules(request_or_user):
        raise PermissionDenied
    rule = GradingRule.objects.filter(pk=pk).first()
    if rule is None:
        raise Http404
    return rule
