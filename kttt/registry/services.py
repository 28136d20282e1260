"""Every write to the registry: one function, one transaction, one audit entry per record.

The web forms, the Excel import, the API and the commands all come through here.
"""

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import transaction
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from kttt.areas.models import Level, Succession, Unit
from kttt.lib.errors import Refusal
from kttt.registry import rules, validation
from kttt.registry.grading import rule_for_year
from kttt.registry.history import refresh_intervals
from kttt.registry.models import (
    AuditEntry,
    Entity,
    Location,
    OcopProduct,
    ReviewStatus,
    Status,
    StatusChange,
    YearlyReport,
    YearlyReview,
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
    "listed_publicly",
)
OCOP_FIELDS = ("stars", "recognized_on", "level")


class RegistryError(Refusal):
    """A write refused by a rule; the message is Vietnamese."""


def entity_values(values: Mapping[str, Any]) -> dict[str, Any]:
    """The values with `kind` and `sector` as stored: a caller may give any form the
    import reads (`HTX`, `hop tac xa`, a sector's name)."""
    values = dict(values)
    try:
        for field, parse in (("kind", validation.kind), ("sector", validation.sector)):
            if field in values:
                values[field] = parse(values[field])
    except validation.Invalid as exc:
        raise RegistryError(capfirst(str(exc))) from None
    return values


def enforce(breaches: Iterable[rules.Breach]) -> None:
    """Refuse with the first broken rule of `kttt.registry.rules`, if any."""
    for breach in breaches:
        raise RegistryError(breach.sentence)


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
    values = entity_values(values)
    entity = Entity(code=code, **values)
    enforce(rules.founding(entity.established_on))
    enforce(rules.placement(unit, entity.established_on))
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
    values = entity_values(values)
    changes = diff(entity, values)
    if not changes:
        return changes
    if "established_on" in changes:
        locations = list(entity.locations.select_related("unit").order_by("valid_from"))
        first = locations[0] if locations else None
        new_day = values["established_on"]
        enforce(
            rules.founding(
                new_day,
                status_dates=entity.status_changes.values_list("date", flat=True),
                move_dates=[loc.valid_from for loc in locations[1:]],
            )
        )
        if first:
            enforce(rules.placement(first.unit, new_day))
            first.valid_from = new_day
            first.save(update_fields=["valid_from"])
    for field in changes:
        setattr(entity, field, values[field])
    entity.save(update_fields=[*changes, "updated_at"])
    _audit(entity, AuditEntry.Action.UPDATE, "entity", changes, user, source)
    return changes


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
    latest = entity.status_changes.order_by("-date", "-pk").first()
    previous = latest.status if latest else Status.ACTIVE
    enforce(
        rules.status_change(
            status=status,
            date=date,
            established_on=entity.established_on,
            current_status=previous,
            latest_date=latest.date if latest else None,
        )
    )
    assert date is not None  # the rules require it
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
    current = (
        entity.locations.filter(valid_from__lte=date)
        .select_related("unit")
        .order_by("-valid_from")
        .first()
    )
    enforce(
        rules.move(
            unit=unit,
            unit_in_force=current.unit if current else None,
            date=date,
            established_on=entity.established_on,
            location_dates=entity.locations.values_list("valid_from", flat=True),
        )
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


LOCKED = _lazy("Số liệu năm đã được duyệt; đề nghị Phòng Tài chính - Kế hoạch mở lại nếu cần sửa.")


def review_step(
    report: YearlyReport,
    action: str,
    *,
    to: str,
    user: User,
    source: str,
    comment: str = "",
) -> YearlyReview:
    """Move the row to status `to`, logging the step (YearlyReview) and an audit entry."""
    before = report.status
    report.status = to
    fields = ["status", "updated_at"]
    if to in (ReviewStatus.SUBMITTED, ReviewStatus.APPROVED) and report.reported_at is None:
        report.reported_at = timezone.now()
        fields.append("reported_at")
    report.save(update_fields=fields)
    review = YearlyReview.objects.create(
        report=report,
        action=action,
        user=user if getattr(user, "pk", None) else None,  # type: ignore[misc]
        comment=comment,
        source=source,
    )
    changes: dict[str, Any] = {"review": [before, to]}
    if comment:
        changes["comment"] = [None, comment]
    _audit(report.entity, AuditEntry.Action.UPDATE, f"yearly:{report.year}", changes, user, source)
    return review


@transaction.atomic
def save_yearly(
    *,
    entity: Entity,
    year: int,
    values: Mapping[str, Any],
    user: User = None,
    source: str = "web",
    approve: bool = True,
) -> YearlyReport:
    """Create or change a year's figures. `approve`: the writer's figures count as
    approved (the planning office, an administrator, the import, the demo); otherwise
    (a cooperative's representative, a commune officer) they are a draft to submit, and an
    approved row is refused."""
    enforce(rules.yearly(year=year, established_on=entity.established_on, values=values))
    report = YearlyReport.objects.filter(entity=entity, year=year).first()
    if report is None:
        rule = rule_for_year(year) if values.get("grade") else None
        report = YearlyReport.objects.create(
            entity=entity,
            year=year,
            grading_rule=rule,
            status=ReviewStatus.DRAFT,
            **values,
        )
        _audit(
            entity,
            AuditEntry.Action.CREATE,
            f"yearly:{year}",
            {f: [None, jsonable(v)] for f, v in values.items() if v not in (None, "", False)},
            user,
            source,
        )
        if approve:
            review_step(
                report,
                YearlyReview.Action.APPROVE,
                to=ReviewStatus.APPROVED,
                user=user,
                source=source,
            )
        return report
    if not approve and report.locked:
        raise RegistryError(str(LOCKED))
    changes = diff(report, values)
    if changes:
        for field in changes:
            setattr(report, field, values[field])
        fields = [*changes, "updated_at"]
        if "grade" in changes:  # the grade is given under the year's rule
            report.grading_rule = rule_for_year(year) if report.grade else None
            fields.append("grading_rule")
        if not approve and report.status == ReviewStatus.SUBMITTED:
            # Changed after sending: to be sent again.
            report.status = ReviewStatus.DRAFT
            fields.append("status")
            changes["review"] = [ReviewStatus.SUBMITTED.value, ReviewStatus.DRAFT.value]
        report.save(update_fields=fields)
        _audit(entity, AuditEntry.Action.UPDATE, f"yearly:{year}", changes, user, source)
    if approve and not report.locked:
        review_step(
            report, YearlyReview.Action.APPROVE, to=ReviewStatus.APPROVED, user=user, source=source
        )
    return report


def _refuse_unless(report: YearlyReport, allowed: tuple[str, ...]) -> None:
    if report.status not in allowed:
        raise RegistryError(
            _("Số liệu năm %(year)s đang ở tình trạng “%(status)s”, không thực hiện được.")
            % {"year": report.year, "status": report.get_status_display()}
        )


def _required(text: str, message: str) -> str:
    text = (text or "").strip()
    if not text:
        raise RegistryError(message)
    return text


@transaction.atomic
def submit_yearly(*, report: YearlyReport, user: User = None, source: str = "web") -> YearlyReview:
    """Send a draft (or returned) year's figures to the planning office."""
    _refuse_unless(report, (ReviewStatus.DRAFT, ReviewStatus.RETURNED))
    return review_step(
        report, YearlyReview.Action.SUBMIT, to=ReviewStatus.SUBMITTED, user=user, source=source
    )


@transaction.atomic
def approve_yearly(
    *, report: YearlyReport, user: User = None, comment: str = "", source: str = "web"
) -> YearlyReview:
    """Approve a year's figures: from then on they count in the official figures and only
    the planning office changes them."""
    _refuse_unless(report, (ReviewStatus.SUBMITTED, ReviewStatus.DRAFT, ReviewStatus.RETURNED))
    return review_step(
        report,
        YearlyReview.Action.APPROVE,
        to=ReviewStatus.APPROVED,
        user=user,
        source=source,
        comment=(comment or "").strip(),
    )


@transaction.atomic
def approve_yearly_many(
    *, reports: Sequence[YearlyReport], user: User = None, comment: str = "", source: str = "web"
) -> list[YearlyReview]:
    """Approve several sent years in one go (the office's "Duyệt các dòng đã chọn"): each
    exactly as `approve_yearly` does, all or nothing. The rows are locked and read again, so
    a row no longer "Đã gửi" (returned, changed or approved meanwhile) refuses the whole."""
    if not reports:
        raise RegistryError(_("Hãy chọn ít nhất một dòng để duyệt."))
    fresh = (
        YearlyReport.objects.select_for_update(of=("self",))
        .select_related("entity")
        .filter(pk__in=[r.pk for r in reports])
        .order_by("entity__sort_name", "year")
    )
    rows = list(fresh)
    not_sent = [r for r in rows if r.status != ReviewStatus.SUBMITTED]
    if not_sent:
        raise RegistryError(
            _(
                "Chỉ duyệt được các dòng đang ở tình trạng “Đã gửi”; không dòng nào được duyệt. "
                "Không ở tình trạng đó: %(rows)s."
            )
            % {"rows": "; ".join(f"{r.entity.name} ({r.entity.code}) {r.year}" for r in not_sent)}
        )
    return [approve_yearly(report=r, user=user, comment=comment, source=source) for r in rows]


@transaction.atomic
def return_yearly(
    *, report: YearlyReport, comment: str, user: User = None, source: str = "web"
) -> YearlyReview:
    """Send submitted figures back to be corrected, saying what to correct."""
    _refuse_unless(report, (ReviewStatus.SUBMITTED,))
    comment = _required(comment, _("Hãy ghi ý kiến: cần sửa gì trước khi gửi lại."))
    return review_step(
        report,
        YearlyReview.Action.RETURN,
        to=ReviewStatus.RETURNED,
        user=user,
        source=source,
        comment=comment,
    )


@transaction.atomic
def reopen_yearly(
    *, report: YearlyReport, reason: str, user: User = None, source: str = "web"
) -> YearlyReview:
    """Open approved figures again (the planning office only, with a reason): they go back
    to the cooperative as returned, and leave the official figures until approved again."""
    _refuse_unless(report, (ReviewStatus.APPROVED,))
    reason = _required(reason, _("Hãy ghi lý do mở lại số liệu đã duyệt."))
    return review_step(
        report,
        YearlyReview.Action.REOPEN,
        to=ReviewStatus.RETURNED,
        user=user,
        source=source,
        comment=reason,
    )


@transaction.atomic
def delete_yearly(
    *, report: YearlyReport, user: User = None, source: str = "web", approve: bool = True
) -> None:
    """Remove a year's figures; approved figures only by those who approve."""
    if not approve and report.locked:
        raise RegistryError(str(LOCKED))
    _audit(report.entity, AuditEntry.Action.DELETE, f"yearly:{report.year}", {}, user, source)
    report.delete()


def district_level(entity: Entity, on: dt.date) -> bool:
    """Whether a district-level government exists on `on` where the entity is located
    then (its first location when `on` is before its founding)."""
    location = (
        entity.locations.filter(valid_from__lte=on).order_by("-valid_from").first()
        or entity.locations.order_by("valid_from").first()
    )
    if location is None:
        return False
    district = location.unit.district
    return rules.district_level_on(district, on)


def ocop_rules(entity: Entity, values: Mapping[str, Any]) -> list[rules.Breach]:
    """The OCOP rules for these values of one of the entity's products."""
    recognized = values.get("recognized_on")
    return rules.ocop(
        stars=values.get("stars"),
        recognized_on=recognized,
        level=values.get("level") or "",
        established_on=entity.established_on,
        district_level=recognized is not None and district_level(entity, recognized),
    )


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
    enforce(ocop_rules(entity, values))
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
