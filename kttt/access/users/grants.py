"""What a role may be given, checked once for the account pages and `kttt createuser`: an
area for every role but `admin` (everything) and `cooperative` (one cooperative), the
cooperative's code for a representative only, an implementing unit that exists."""

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from kttt.accounts.models import Role
from kttt.accounts.services import AccountError, Grant
from kttt.areas.services import AreaError, resolve_area
from kttt.lib.text import fold
from kttt.plans.models import ImplementingUnit
from kttt.registry.models import Entity


class GrantError(AccountError):
    """A role that cannot be given as asked."""


def role_list() -> str:
    return ", ".join(f"{role.value} ({role.label})" for role in Role)


def find_unit(name: str) -> ImplementingUnit | None:
    """The implementing unit named (by name or short name, ignoring case and accents). None
    for no name, and for any name while no unit is recorded yet (the name is then kept as
    the department's text)."""
    if not name:
        return None
    units = list(ImplementingUnit.objects.all())
    for unit in units:
        if fold(name) in (fold(unit.name), fold(unit.short_name or unit.name)):
            return unit
    if not units:
        return None
    raise GrantError(
        _("Không có đơn vị thực hiện “%(name)s”. Có: %(units)s.")
        % {"name": name, "units": "; ".join(u.name for u in units)}
    )


def check_grant(*, role: str, area: str = "", cooperative: str = "", department: Any = "") -> Grant:
    """The role as it will be recorded, or GrantError with a Vietnamese message.
    `department` is an ImplementingUnit, a unit's name, or empty."""
    role = role.strip().lower()
    if role not in Role.values:
        raise GrantError(
            _("Vai trò “%(role)s” không hợp lệ. Chọn một trong: %(roles)s.")
            % {"role": role, "roles": role_list()}
        )
    unit = department if isinstance(department, ImplementingUnit) else None
    if unit is None and isinstance(department, str):
        unit = find_unit(department.strip())
    text = unit.name if unit else (department.strip() if isinstance(department, str) else "")
    return Grant(
        role=role,
        area_code=_area(role, area.strip()),
        cooperative=_cooperative(role, cooperative.strip()),
        implementing_unit=unit,
        department=text,
    )


def _area(role: str, code: str) -> str:
    label = Role(role).label
    if role in (Role.ADMIN, Role.COOPERATIVE):
        if code:
            if role == Role.ADMIN:
                raise GrantError(_("Vai trò admin xem toàn bộ dữ liệu; không dùng mã địa bàn."))
            # The scope of a cooperative's representative is the cooperative itself.
            raise GrantError(
                _("Vai trò %(role)s gắn với một HTX (mã số HTX); không dùng mã địa bàn.")
                % {"role": label}
            )
        return ""
    if not code:
        raise GrantError(
            _("Vai trò %(role)s cần mã địa bàn (mã tỉnh, huyện hoặc xã).") % {"role": label}
        )
    try:
        return resolve_area(code, timezone.localdate()).code
    except AreaError as error:
        raise GrantError(str(error)) from None


def _cooperative(role: str, code: str) -> Entity | None:
    if role != Role.COOPERATIVE:
        if code:
            raise GrantError(_("Mã số HTX chỉ dùng với vai trò Đại diện HTX (cooperative)."))
        return None
    if not code:
        raise GrantError(_("Vai trò Đại diện HTX (cooperative) cần mã số HTX."))
    entity = Entity.objects.filter(code=code).first()
    if entity is None:
        raise GrantError(_("Không có HTX mã số “%(code)s”.") % {"code": code})
    return entity
