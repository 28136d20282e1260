"""Who may see and change plans and their execution: plans, targets, tasks, activities,
evidence files, the budget and enterprise links. Every plan page (/de-an/, /thuc-hien/)
and the API ask here and nowhere else.

- A plan is *read in full* by whoever may read its area's figures (`Scope.may_read_area`:
  the plan's area lies in the user's territory). They see every task, activity and sum of
  the plan, and the status of its targets.
- A plan is *open* to someone who works inside its area (a commune officer or viewer of a
  commune of the district): they see its tasks, its money and the activities of their own
  unit and of the communes in their area, but not the targets' status (district figures).
- A plan and its targets are written by admin and planning officers of the plan's area
  (`access_plan(..., write=True)`); a new plan or a copy only for an area where the user
  may write plans (`may_write_plans_for`).
- An activity is written by admin and planning officers of the plan's area (all of them),
  a department (role ``department``) for its own implementing unit, a commune officer (role
  ``commune``) for its implementing unit and the commune units inside its area. Viewers and
  everybody else read.
- The budget is written by admin and planning officers of the plan's area.
- Enterprise links are written by the registry writers of the cooperative
  (`kttt.access.registry.access_entity(..., write="registry")`).

As everywhere: what the user may not see answers 404 (as if missing), a write the user may
not do answers 403.
"""

from dataclasses import dataclass, field
from functools import cached_property

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from kttt.access.registry import access_entity, entities_visible_to
from kttt.access.scope import PLAN_WRITERS, Scope, area_inside, scope_of, today
from kttt.accounts.models import Role
from kttt.lib.dates import year_end
from kttt.plans.models import (
    Activity,
    Disbursement,
    EnterpriseLink,
    EvidenceFile,
    ImplementingUnit,
    Plan,
    Target,
    Task,
    UnitTransfer,
)
from kttt.plans.queries import plan_area_date, plan_in_force

# Roles whose implementing unit gives them "their" plan work (Việc của tôi).
WORKER_ROLES: set[str] = {Role.ADMIN, Role.PLANNING, Role.DEPARTMENT, Role.COMMUNE}


@dataclass
class Rights:
    """What one user may do with plan execution, computed once per request. Plans and
    implementing units are few (tens), so they are read whole and checked in Python."""

    scope: Scope
    _inside: dict[tuple[str, int], bool] = field(default_factory=dict, init=False, repr=False)

    @cached_property
    def plans(self) -> list[Plan]:
        return list(Plan.objects.order_by("-start_year", "name"))

    @cached_property
    def plans_read_in_full(self) -> set[int]:
        return {
            p.pk for p in self.plans if self.scope.may_read_area(p.area_code, plan_area_date(p))
        }

    @cached_property
    def plans_open(self) -> set[int]:
        return self.plans_read_in_full | {p.pk for p in self.plans if self._works_inside(p)}

    @cached_property
    def plans_written_in_full(self) -> set[int]:
        return {
            p.pk
            for p in self.plans
            if self.scope.may_read_area(p.area_code, plan_area_date(p), roles=PLAN_WRITERS)
        }

    def _works_inside(self, plan: Plan) -> bool:
        """Does one of the user's areas lie inside the plan's area (a commune of the
        district)? Read at the plan's first year end and today, so that a commune that
        exists only after the 2025 reform still finds the district it belongs to. Plans of
        the same area and first year get the same answer, asked once."""
        key = (plan.area_code, plan.start_year)
        if key not in self._inside:
            self._inside[key] = self._area_holds_mine(plan)
        return self._inside[key]

    def _area_holds_mine(self, plan: Plan) -> bool:
        """Does the territory of one of the user's areas (read today, like every person's
        area) lie inside the plan's area, read at the end of its first year or today?"""
        for on in (plan_area_date(plan), today()):
            plan_area = self.scope.area_at(plan.area_code, on)
            if plan_area is None:
                continue
            if any(area_inside(mine, plan_area) for _m, mine in self.scope.areas):
                return True
        return False

    @cached_property
    def commune_units(self) -> list[ImplementingUnit]:
        return list(
            ImplementingUnit.objects.filter(kind=ImplementingUnit.Kind.COMMUNE).exclude(
                area_code=""
            )
        )

    def _communes_inside(self, roles: set[str] | None) -> set[int]:
        on = today()
        return {
            u.pk
            for u in self.commune_units
            if self.scope.may_read_area(u.area_code, on, roles=roles)
        }

    def _own_units(self, roles: set[str]) -> set[int]:
        return {
            m.implementing_unit_id
            for m in self.scope.memberships
            if m.role in roles and m.implementing_unit_id is not None
        }

    @cached_property
    def units_seen(self) -> set[int]:
        """Units whose activities the user sees in a plan it does not read in full."""
        return self._own_units({str(r) for r in Role}) | self._communes_inside(None)

    @cached_property
    def units_written(self) -> set[int]:
        """Units whose activities the user writes as a department or commune officer."""
        return self._own_units({Role.DEPARTMENT, Role.COMMUNE}) | self._communes_inside(
            {Role.COMMUNE}
        )

    @cached_property
    def units_of_my_work(self) -> set[int]:
        """The units of "Việc của tôi": the user's own and, for a commune officer, the
        commune units inside its area."""
        return self._own_units(WORKER_ROLES) | self._communes_inside({Role.COMMUNE})


def rights(request_or_user: object) -> Rights:
    cached = getattr(request_or_user, "_kttt_plan_rights", None)
    if cached is not None:
        return cached  # type: ignore[no-any-return]
    result = Rights(scope_of(request_or_user))
    if hasattr(request_or_user, "user"):
        request_or_user._kttt_plan_rights = result  # type: ignore[attr-defined]
    return result


# --- plans and tasks ----------------------------------------------------------------------


def plans_open_to(request_or_user: object) -> list[Plan]:
    r = rights(request_or_user)
    if r.scope.is_admin:
        return r.plans
    return [p for p in r.plans if p.pk in r.plans_open]


def may_open_plan(request_or_user: object, plan: Plan) -> bool:
    r = rights(request_or_user)
    return r.scope.is_admin or plan.pk in r.plans_open


def reads_plan_in_full(request_or_user: object, plan: Plan) -> bool:
    """May the user see every activity of the plan and its targets' status?"""
    r = rights(request_or_user)
    return r.scope.is_admin or plan.pk in r.plans_read_in_full


def default_plan(request_or_user: object) -> Plan | None:
    """The plan in force for this year when the user may open it, else the latest it may
    open (None when there is none)."""
    in_force = plan_in_force(today().year)
    if in_force is not None and may_open_plan(request_or_user, in_force):
        return in_force
    return next(iter(plans_open_to(request_or_user)), None)


def asked_plan(request_or_user: object, raw: str | None) -> Plan | None:
    """The plan named by a page's ?plan= (404 when the user may not open it), or without
    one the default plan (None when the user may open none)."""
    if raw in (None, ""):
        return default_plan(request_or_user)
    return access_plan(request_or_user, raw)


def access_plan(request_or_user: object, pk: int | str, *, write: bool = False) -> Plan:
    """The plan asked for (404 when the user may not open it); with write=True also 403
    unless the user may change the plan, its targets and its budget."""
    try:
        wanted = int(pk)
    except (TypeError, ValueError):
        raise Http404 from None
    plan = next((p for p in rights(request_or_user).plans if p.pk == wanted), None)
    if plan is None or not may_open_plan(request_or_user, plan):
        raise Http404
    if write and not may_write_plan(request_or_user, plan):
        raise PermissionDenied
    return plan


def access_target(
    request_or_user: object, plan_pk: int | str, pk: int, *, write: bool = False
) -> Target:
    """A target of a plan, reachable only through its plan's access."""
    plan = access_plan(request_or_user, plan_pk, write=write)
    target = plan.targets.filter(pk=pk).first()
    if target is None:
        raise Http404
    target.plan = plan
    return target


def access_disbursement(
    request_or_user: object, plan_pk: int | str, pk: int, *, write: bool = False
) -> Disbursement:
    """A payment of a plan, reachable only through its plan's access."""
    plan = access_plan(request_or_user, plan_pk, write=write)
    payment = (
        Disbursement.objects.filter(pk=pk, line__task__plan=plan).select_related("line").first()
    )
    if payment is None:
        raise Http404
    return payment


def may_write_plan(request_or_user: object, plan: Plan) -> bool:
    """May the user change the plan, its targets and its budget, and copy it?"""
    r = rights(request_or_user)
    return r.scope.is_admin or plan.pk in r.plans_written_in_full


def may_write_plans_for(request_or_user: object, area_code: str, start_year: int) -> bool:
    """May the user enter a plan (or a copy) for that area, read at the end of its first
    year?"""
    scope = scope_of(request_or_user)
    return scope.may_read_area(area_code, year_end(start_year), roles=PLAN_WRITERS)


def tasks_open_to(request_or_user: object) -> QuerySet[Task]:
    r = rights(request_or_user)
    tasks = Task.objects.select_related("plan")
    return tasks if r.scope.is_admin else tasks.filter(plan_id__in=r.plans_open)


def access_task(request_or_user: object, pk: int, *, write: bool = False) -> Task:
    """A task of a plan the user may open, else 404; with write=True also 403 unless the
    user may change the plan (tasks are the plan's structure)."""
    task = tasks_open_to(request_or_user).filter(pk=pk).first()
    if task is None:
        raise Http404
    if write and not may_write_plan(request_or_user, task.plan):
        raise PermissionDenied
    return task


# --- activities and evidence --------------------------------------------------------------


def activities_visible_to(request_or_user: object) -> QuerySet[Activity]:
    r = rights(request_or_user)
    if r.scope.is_admin:
        return Activity.objects.all()
    return Activity.objects.filter(
        Q(task__plan_id__in=r.plans_read_in_full)
        | Q(task__plan_id__in=r.plans_open, unit_id__in=r.units_seen)
    )


def may_write_activity(request_or_user: object, activity: Activity) -> bool:
    """May the user change this activity (or create it, for an unsaved one)? The caller
    has already checked that the user may see it."""
    r = rights(request_or_user)
    if r.scope.is_admin:
        return True
    plan_id = activity.task.plan_id
    if plan_id in r.plans_written_in_full:
        return True
    return plan_id in r.plans_open and activity.unit_id in r.units_written


def may_write_any_activity(request_or_user: object) -> bool:
    r = rights(request_or_user)
    return r.scope.is_admin or bool(r.plans_written_in_full) or bool(r.units_written)


def units_writable_by(request_or_user: object) -> QuerySet[ImplementingUnit]:
    """The units the user may record activities for (in some plan)."""
    r = rights(request_or_user)
    if r.scope.is_admin or r.plans_written_in_full:
        return ImplementingUnit.objects.all()
    return ImplementingUnit.objects.filter(pk__in=r.units_written)


def default_unit(request_or_user: object) -> ImplementingUnit | None:
    """The unit a new activity is for unless the user picks another: the user's own
    (its role's implementing unit) when it may write for it. Without it a planning officer,
    who may write for every unit, got an empty choice and often picked its office's old
    name (ended in 2025), so the activity never showed in its "Việc của tôi"."""
    own = rights(request_or_user)._own_units(WORKER_ROLES)
    return units_writable_by(request_or_user).filter(pk__in=own).order_by("pk").first()


def access_activity(request_or_user: object, pk: int, *, write: bool = False) -> Activity:
    """The activity if the user may see it, else 404; with write=True also 403 unless the
    user may change it."""
    activity = (
        activities_visible_to(request_or_user)
        .select_related("task__plan", "unit", "fund_source")
        .filter(pk=pk)
        .first()
    )
    if activity is None:
        raise Http404
    if write and not may_write_activity(request_or_user, activity):
        raise PermissionDenied
    return activity


def access_evidence(
    request_or_user: object, activity_pk: int, pk: int, *, write: bool = False
) -> EvidenceFile:
    """An evidence file, reachable only through its activity's access."""
    activity = access_activity(request_or_user, activity_pk, write=write)
    evidence = activity.evidence.filter(pk=pk).first()
    if evidence is None:
        raise Http404
    evidence.activity = activity
    return evidence


def my_activities(request_or_user: object) -> QuerySet[Activity]:
    """The activities of the user's own units (Việc của tôi)."""
    r = rights(request_or_user)
    return activities_visible_to(request_or_user).filter(unit_id__in=r.units_of_my_work)


def my_units(request_or_user: object) -> list[ImplementingUnit]:
    return list(ImplementingUnit.objects.filter(pk__in=rights(request_or_user).units_of_my_work))


def scope_has_work_unit(scope: Scope) -> bool:
    """Has the user a department or commune whose plan work is its own (Việc của tôi)?"""
    return any(m.implementing_unit_id for m in scope.memberships)


def has_work_unit(request_or_user: object) -> bool:
    return scope_has_work_unit(rights(request_or_user).scope)


# --- budget -------------------------------------------------------------------------------


# --- enterprise links ---------------------------------------------------------------------


def links_visible_to(request_or_user: object) -> QuerySet[EnterpriseLink]:
    scope = rights(request_or_user).scope
    links = EnterpriseLink.objects.all()
    return links if scope.is_admin else links.filter(entity__in=entities_visible_to(scope))


def access_link(
    request_or_user: object, code: str, pk: int, *, write: bool = False
) -> EnterpriseLink:
    """A cooperative's link: 404 unless the user sees the cooperative; with write=True 403
    unless the user may change the cooperative's registry data."""
    entity = access_entity(request_or_user, code, write="registry" if write else None)
    link = entity.enterprise_links.filter(pk=pk).first()
    if link is None:
        raise Http404
    link.entity = entity
    return link


# --- implementing units through time -----------------------------------------------------


def may_manage_units(request_or_user: object) -> bool:
    """Ending an implementing unit and undoing a transfer: administrators, like the
    administrative units and their successions."""
    return scope_of(request_or_user).can_manage_units()


def access_unit(request_or_user: object, pk: int, *, write: bool = False) -> ImplementingUnit:
    """An implementing unit (offices and committees are no one's secret: every user reads
    them); 404 when missing, with write=True 403 unless the user manages units."""
    unit = ImplementingUnit.objects.filter(pk=pk).first()
    if unit is None:
        raise Http404
    if write and not may_manage_units(request_or_user):
        raise PermissionDenied
    return unit


def access_transfer(request_or_user: object, pk: int, *, write: bool = False) -> UnitTransfer:
    transfer = UnitTransfer.objects.select_related("unit").filter(pk=pk).first()
    if transfer is None:
        raise Http404
    if write and not may_manage_units(request_or_user):
        raise PermissionDenied
    return transfer
