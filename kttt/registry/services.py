"""Every write to the registry: one function, one transaction, one audit entry per record.

The web forms, the Excel import, the API and the commands all come through here.
"""

import datetime as dt
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import transaction
from django.utils.translation import gettext as _

from kttt.areas.models import Level, Succession, Unit
from kttt.lib.errors import Refusal
from kttt.registry.history import refresh_intervals
from kttt.registry.models import (
    AuditEntry,
    Entity,
    Location,
    OcopProduct,
    Status,
    StatusChange,
    YearlyReport,
)

User = AbstractBaseUser | AnonymousUser | None

ENTITY_FIELDS = (
    "name",
    "kind",
    "sector",
    "established_on",
    "is_model_coop",
    "address",
    "phone",
    "representative",
)
OCOP_FIELDS = ("stars", "recognized_on", "level")


class RegistryError(Refusal):
    """A write refused by a rule; the message is Vietnamese."""


def jsonable(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value.normalize()) if value == value.to_integral_value() else str(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def diff(obj: Any, values: Mapping[str, Any]) -> dict[str, list[Any]]:
    """{field: [old, new]} for the values that differ from the object's."""
    changes = {}
    for field, new in values.items():
        old = getattr(obj, field)
        same = old == Decimal(new) if isinstance(old, Decimal) and new is not None else old == new
        if not same:
            changes[field] = [jsonable(old), jsonable(new)]
    return changes


def audit_entry(
    entity: Entity, action: str, target: str, changes: Mapping[str, Any], user: User, source: str
) -> AuditEntry:
    return AuditEntry(
        entity=entity,
        action=action,
        target=target,
        changes=dict(changes),
        user=user if getattr(user, "pk", None) else None,  # type: ignore[misc]
        source=source,
    )


def _audit(
    entity: Entity, action: str, target: str, changes: Mapping[str, Any], user: User, source: str
) -> None:
    audit_entry(entity, action, target, changes, user, source).save()


def require_commune(unit: Unit, on: dt.date) -> None:
    if unit.level != Level.COMMUNE:
        raise RegistryError(_("Địa bàn phải là đơn vị cấp xã, phường, thị trấn."))
    if not unit.is_valid_at(on):
        raise RegistryError(
            _("%(unit)s không tồn tại vào ngày %(date)s.")
            % {"unit": unit.name, "date": on.strftime("%d/%m/%Y")}
        )


@transaction.atomic
def create_entity(
    *,
    code: str,
    unit: Unit,
    values: Mapping[str, Any],
    status: str = Status.ACTIVE,
    status_date: dt.date | None = None,
    user: User = None,
    source: str = "web",
) -> Entity:
    if Entity.objects.filter(code=code).exists():
        raise RegistryError(_("Mã số HTX %(code)s đã có trong sổ.") % {"code": code})
    entity = Entity(code=code, **values)
    require_commune(unit, entity.established_on)
    entity.save()
    Location.objects.create(entity=entity, unit=unit, valid_from=entity.established_on)
    created = {f: [None, jsonable(getattr(entity, f))] for f in ("code", *values)}
    created["unit"] = [None, unit.label]
    _audit(entity, AuditEntry.Action.CREATE, "entity", created, user, source)
    if status != Status.ACTIVE:
        change_status(entity=entity, status=status, date=status_date, user=user, source=source)
    return entity


@transaction.atomic
def update_entity(
    *, entity: Entity, values: Mapping[str, Any], user: User = None, source: str = "web"
) -> dict[str, list[Any]]:
    changes = diff(entity, values)
    if not changes:
        return changes
    if "established_on" in changes:
        first = entity.locations.order_by("valid_from").first()
        new_day = values["established_on"]
        if first and entity.locations.filter(valid_from__lte=new_day).exclude(pk=first.pk).exists():
            raise RegistryError(
                _("Ngày thành lập mới muộn hơn một lần chuyển địa bàn đã ghi nhận.")
            )
        if first:
            require_commune(first.unit, new_day)
            first.valid_from = new_day
            first.save(update_fields=["valid_from"])
    for field in changes:
        setattr(entity, field, values[field])
    entity.save(update_fields=[*changes, "updated_at"])
    _audit(entity, AuditEntry.Action.UPDATE, "entity", changes, user, source)
    return changes


def status_on(entity: Entity, on: dt.date) -> str:
    change = entity.status_changes.filter(date__lte=on).order_by("-date", "-pk").first()
    return change.status if change else Status.ACTIVE


@transaction.atomic
def change_status(
    *,
    entity: Entity,
    status: str,
    date: dt.date | None,
    note: str = "",
    user: User = None,
    source: str = "web",
) -> StatusChange:
    if date is None:
        raise RegistryError(_("Cần ngày đổi trạng thái."))
    if date < entity.established_on:
        raise RegistryError(_("Ngày đổi trạng thái trước ngày thành lập."))
    if entity.status_changes.filter(date=date).exists():
        raise RegistryError(
            _("Đã có một lần đổi trạng thái ngày %(date)s.") % {"date": date.strftime("%d/%m/%Y")}
        )
    previous = status_on(entity, date)
    if previous == status:
        raise RegistryError(_("Trạng thái không thay đổi."))
    change = StatusChange.objects.create(entity=entity, status=status, date=date, note=note)
    refresh_intervals([entity.pk])
    _audit(
        entity,
        AuditEntry.Action.CREATE,
        "status",
        {"status": [previous, status], "date": [None, date.isoformat()]},
        user,
        source,
    )
    return change


@transaction.atomic
def move_entity(
    *,
    entity: Entity,
    unit: Unit,
    date: dt.date,
    note: str = "",
    user: User = None,
    source: str = "web",
    succession: Succession | None = None,
) -> Location:
    require_commune(unit, date)
    if date < entity.established_on:
        raise RegistryError(_("Ngày chuyển địa bàn trước ngày thành lập."))
    current = entity.locations.filter(valid_from__lte=date).order_by("-valid_from").first()
    if current and current.unit_id == unit.pk:
        raise RegistryError(_("HTX đã ở địa bàn này vào ngày đó."))
    if entity.locations.filter(valid_from=date).exists():
        raise RegistryError(
            _("Đã có một lần chuyển địa bàn ngày %(date)s.") % {"date": date.strftime("%d/%m/%Y")}
        )
    location = Location.objects.create(
        entity=entity, unit=unit, valid_from=date, note=note, succession=succession
    )
    refresh_intervals([entity.pk])
    _audit(
        entity,
        AuditEntry.Action.CREATE,
        "location",
        {
            "unit": [current.unit.label if current else None, unit.label],
            "date": [None, date.isoformat()],
        },
        user,
        source,
    )
    return location


@transaction.atomic
def save_yearly(
    *,
    entity: Entity,
    year: int,
    values: Mapping[str, Any],
    user: User = None,
    source: str = "web",
) -> YearlyReport:
    report = YearlyReport.objects.filter(entity=entity, year=year).first()
    if report is None:
        report = YearlyReport.objects.create(entity=entity, year=year, **values)
        _audit(
            entity,
            AuditEntry.Action.CREATE,
            f"yearly:{year}",
            {f: [None, jsonable(v)] for f, v in values.items() if v not in (None, "", False)},
            user,
            source,
        )
        return report
    changes = diff(report, values)
    if changes:
        for field in changes:
            setattr(report, field, values[field])
        report.save(update_fields=[*changes, "updated_at"])
        _audit(entity, AuditEntry.Action.UPDATE, f"yearly:{year}", changes, user, source)
    return report


@transaction.atomic
def delete_yearly(*, report: YearlyReport, user: User = None, source: str = "web") -> None:
    _audit(report.entity, AuditEntry.Action.DELETE, f"yearly:{report.year}", {}, user, source)
    report.delete()


@transaction.atomic
def save_ocop(
    *,
    entity: Entity,
    name: str,
    values: Mapping[str, Any],
    product: OcopProduct | None = None,
    user: User = None,
    source: str = "web",
) -> OcopProduct:
    """Create or update the product called `name` (or rename `product` to `name`)."""
    clash = entity.ocop_products.filter(name=name)
    if product is not None:
        clash = clash.exclude(pk=product.pk)
    elif (existing := clash.first()) is not None:
        product, clash = existing, clash.none()
    if clash.exists():
        raise RegistryError(_("HTX đã có sản phẩm OCOP tên “%(name)s”.") % {"name": name})
    if product is None:
        product = OcopProduct.objects.create(entity=entity, name=name, **values)
        _audit(
            entity,
            AuditEntry.Action.CREATE,
            f"ocop:{name}",
            {f: [None, jsonable(v)] for f, v in values.items()},
            user,
            source,
        )
        return product
    changes = diff(product, {"name": name, **values})
    if changes:
        for field in changes:
            setattr(product, field, {"name": name, **values}[field])
        product.save(update_fields=list(changes))
        _audit(entity, AuditEntry.Action.UPDATE, f"ocop:{name}", changes, user, source)
    return product


@transaction.atomic
def delete_ocop(*, product: OcopProduct, user: User = None, source: str = "web") -> None:
    _audit(product.entity, AuditEntry.Action.DELETE, f"ocop:{product.name}", {}, user, source)
    product.delete()


def apply_succession(
    *, succession: Succession, user: User = None, source: str = "web"
) -> tuple[list[Entity], list[Entity]]:
    """Add a location row dated on the succession's date for each entity located in one of
    the old communes the day before. Never rewrites history; running it twice adds nothing.

    Returns (moved, undecided): with several new units the destination of an entity cannot
    be told from the succession alone, and those entities are listed for a person to place.
    """
    from kttt.registry.queries import current_locations

    day_before = succession.date - dt.timedelta(days=1)
    olds = [u.pk for u in succession.old_units.all() if u.level == Level.COMMUNE]
    news = [u for u in succession.new_units.all() if u.level == Level.COMMUNE]
    rows = (
        current_locations(day_before)
        .filter(unit__in=olds)
        .select_related("entity")
        .order_by("entity__sort_name")
    )
    already = set(
        Location.objects.filter(valid_from__gte=succession.date).values_list("entity", flat=True)
    )
    moved: list[Entity] = []
    undecided: list[Entity] = []
    with transaction.atomic():
        for row in rows:
            if row.entity_id in already:
                continue
            if len(news) != 1:
                undecided.append(row.entity)
                continue
            move_entity(
                entity=row.entity,
                unit=news[0],
                date=succession.date,
                note=_("Theo sắp xếp đơn vị hành chính"),
                user=user,
                source=source,
                succession=succession,
            )
            moved.append(row.entity)
    return moved, undecided


def bulk_audit(entries: Iterable[AuditEntry]) -> None:
    AuditEntry.objects.bulk_create(entries, batch_size=2000)
