"""Reading codes at dates, area selectors (DOMAIN.md §3), and recording successions."""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from kttt.areas.models import CODE_WIDTH, Level, Succession, Unit
from kttt.lib.errors import Refusal

COUNTRY = "VN"


class AreaError(Refusal):
    """A code that names no unit at the date asked; the message is Vietnamese."""


def _digits(raw: str | int) -> str | None:
    text = str(raw).strip()
    return text if text.isdigit() and len(text) <= 5 else None


def _levels_for(raw: str) -> list[str]:
    """A code's length says what it most likely is: 12 a province, 109 a district, 3549 or
    03549 a commune. Shorter codes may still name a lower level (commune 00109)."""
    if len(raw) <= 2:
        return [Level.PROVINCE, Level.DISTRICT, Level.COMMUNE]
    if len(raw) == 3:
        return [Level.DISTRICT, Level.COMMUNE]
    return [Level.COMMUNE]


def _candidates(raw: str, levels: Iterable[str] | None = None) -> list[tuple[str, str]]:
    wanted = list(levels) if levels else _levels_for(raw)
    return [
        (level, str(int(raw)).zfill(CODE_WIDTH[Level(level)]))
        for level in _levels_for(raw)
        if level in wanted and len(str(int(raw))) <= CODE_WIDTH[Level(level)]
    ]


def unit_at(raw: str | int, on: dt.date, *, levels: Iterable[str] | None = None) -> Unit | None:
    """The unit a code means on a date, or None."""
    digits = _digits(raw)
    if digits is None:
        return None
    for level, code in _candidates(digits, levels):
        unit = Unit.objects.valid_at(on).filter(level=level, code=code).first()
        if unit:
            return unit
    return None


def last_ended(raw: str, on: dt.date) -> Unit | None:
    for level, code in _candidates(raw):
        unit = (
            Unit.objects.filter(level=level, code=code, valid_to__lt=on)
            .order_by("-valid_to")
            .first()
        )
        if unit:
            return unit
    return None


@dataclass(frozen=True)
class Area:
    """An area selector resolved: the entities located in one of `roots` (or below them) on
    `location_date` are in the area. `absorbed` are the ended units whose territory went
    into the roots through recorded successions (`predecessors`): an entity still located in
    one of them on the location date (imported after the succession was applied, or never
    placed) is in the area too, so that nothing of a reform year is lost."""

    code: str
    name: str
    as_of: dt.date
    location_date: dt.date
    roots: tuple[int, ...]
    approximate: bool = False
    unit: Unit | None = None
    notes: tuple[str, ...] = field(default=())
    absorbed: tuple[int, ...] = field(default=())

    @property
    def territory(self) -> tuple[int, ...]:
        """Every unit whose locations count: the roots and the absorbed units."""
        return self.roots + self.absorbed

    def as_json(self) -> dict[str, object]:
        return {
            "code": self.code,
            "name": self.name,
            "as_of": self.as_of.isoformat(),
            "approximate": self.approximate,
        }


def descendant_ids(unit: Unit, on: dt.date) -> set[int]:
    ids = {unit.pk}
    below = Unit.objects.valid_at(on).filter(Q(province=unit) | Q(district=unit) | Q(parent=unit))
    ids.update(below.values_list("pk", flat=True))
    return ids


def successors(unit: Unit, on: dt.date) -> tuple[set[int], bool]:
    """The units that took over `unit`'s territory, followed forward to `on`, and whether
    any of them also took territory from elsewhere (the result is then approximate)."""
    found: set[int] = set()
    approximate = False
    frontier = [unit]
    seen: set[int] = set()
    while frontier:
        current = frontier.pop()
        if current.pk in seen:
            continue
        seen.add(current.pk)
        assert current.valid_to is not None
        territory = descendant_ids(current, current.valid_to)
        # Successions after its end only: an earlier one inside the district (two of its
        # communes merged in 2020) or at its edge is not where its territory went.
        used = (
            Succession.objects.filter(
                old_units__in=territory, date__gt=current.valid_to, date__lte=on
            )
            .distinct()
            .prefetch_related("old_units", "new_units")
        )
        for succession in used:
            olds = {u.pk for u in succession.old_units.all()}
            if not succession.only_old_territory or not olds <= territory:
                approximate = True
            for new in succession.new_units.all():
                if new.valid_to is not None and new.valid_to < on:
                    frontier.append(new)
                else:
                    found.add(new.pk)
    return found, approximate


def resolve_area(raw: str | int, on: dt.date) -> Area:
    """DOMAIN.md §3: the code read at `on`. A unit that ended before `on` means its
    territory: the entities located on `on` in the units that succeeded it, or still in the
    ended unit itself (or below it). In the year of a unit's end its successors are read at
    31/12 like in any later year, so nothing founded, dissolved or reported in that year in
    its territory is lost.

    "VN" selects the whole country: every province valid at `on`."""
    if str(raw).strip().upper() == COUNTRY:
        provinces = Unit.objects.valid_at(on).filter(level=Level.PROVINCE)
        return Area(COUNTRY, _("Toàn quốc"), on, on, tuple(provinces.values_list("pk", flat=True)))
    digits = _digits(raw)
    if digits is None:
        raise AreaError(_("Mã đơn vị hành chính “%(code)s” không hợp lệ.") % {"code": raw})
    unit = unit_at(digits, on)
    if unit is not None:
        absorbed, split = predecessors([unit], on)
        return Area(
            unit.code, unit.name, on, on, (unit.pk,), split, unit, absorbed=tuple(sorted(absorbed))
        )
    ended = last_ended(digits, on)
    if ended is None:
        raise AreaError(
            _("Không có đơn vị hành chính mã %(code)s vào ngày %(date)s.")
            % {"code": digits, "date": on.strftime("%d/%m/%Y")}
        )
    assert ended.valid_to is not None
    found, approximate = successors(ended, on)
    absorbed, split = predecessors(Unit.objects.filter(pk__in=found), on)
    notes: tuple[str, ...] = ()
    if not found:
        notes = (
            _("Chưa ghi nhận đơn vị kế thừa %(name)s sau ngày %(end)s.")
            % {"name": ended.name, "end": ended.valid_to.strftime("%d/%m/%Y")},
        )
    return Area(
        ended.code,
        ended.name,
        on,
        on,
        tuple(sorted(found)),
        approximate or split,
        ended,
        notes,
        tuple(sorted(absorbed | {ended.pk})),
    )


# Levels from the top: a succession from a district to communes only summarises the
# commune-level ones, which say which communes went where.
_RANK = {Level.PROVINCE: 0, Level.DISTRICT: 1, Level.COMMUNE: 2}


@dataclass(frozen=True)
class _Part:
    """A unit of a succession, read as plain values: a province's reorganisation lists
    hundreds of them, and model instances would cost more than the queries."""

    pk: int
    district_id: int | None
    province_id: int | None
    valid_to: dt.date | None
    rank: int

    def under(self, ids: set[int]) -> bool:
        return self.pk in ids or self.district_id in ids or self.province_id in ids


def _parts(succession_ids: Iterable[int]) -> dict[int, tuple[list[_Part], list[_Part]]]:
    """Succession id -> (old units, new units), in two queries."""
    parts: dict[int, tuple[list[_Part], list[_Part]]] = {}
    columns = ("succession_id", "unit_id", "unit__district_id", "unit__province_id")
    ids = list(succession_ids)
    if not ids:
        return parts
    for index, through in enumerate((Succession.old_units.through, Succession.new_units.through)):
        rows = through._default_manager.filter(succession_id__in=ids).values_list(
            *columns, "unit__valid_to", "unit__level"
        )
        for sid, pk, district, province, valid_to, level in rows:
            part = _Part(pk, district, province, valid_to, _RANK[Level(level)])
            parts.setdefault(sid, ([], []))[index].append(part)
    return parts


def predecessors(units: Iterable[Unit], on: dt.date) -> tuple[set[int], bool]:
    """The ended units whose territory went into `units` (or into units below them)
    through the successions recorded up to `on`, followed backwards (a unit read in 2021 has
    not yet absorbed what it takes in 2023); and whether one of them was split
    (its territory also went into a unit outside), which makes an area built on them
    approximate. An old unit that lives on after the succession keeps its own territory;
    an old unit of a higher level than the new ones (a district succeeded by communes) is
    left to the successions of its communes."""
    inside = {u.pk for u in units}
    found: set[int] = set()
    split = False
    frontier = set(inside)
    while frontier:
        below = Unit.objects.filter(units_below_q(frontier))
        used = Succession.objects.filter(new_units__in=below.values("pk"), date__lte=on)
        dates = dict(used.values_list("pk", "date").distinct())
        frontier = set()
        for sid, (olds, news) in sorted(_parts(dates).items()):
            rank = max((n.rank for n in news), default=_RANK[Level.COMMUNE])
            for old in olds:
                if old.under(inside) or old.valid_to is None or old.valid_to >= dates[sid]:
                    continue
                if old.rank < rank:
                    continue
                inside.add(old.pk)
                found.add(old.pk)
                frontier.add(old.pk)
                if any(not n.under(inside) for n in news):
                    split = True
    return found, split


def describe_territory(area: Area) -> str:
    """The area in words: its unit's name, or for an ended unit read through its
    successors, the successors' names."""
    if area.unit is not None and area.unit.pk in area.roots:
        return area.unit.name
    if area.code == COUNTRY or not area.roots:
        return area.name
    names = ", ".join(Unit.objects.filter(pk__in=area.roots).values_list("name", flat=True))
    return _("%(name)s, nay là %(units)s") % {"name": area.name, "units": names}


def territory_changed(before: Area, after: Area) -> bool:
    """Do two readings of a selector (e.g. 31/12/2024 and 31/12/2025) cover different
    territories? Different units, units that took in territory in between, or a succession
    in between that moved territory across the area's edge (a unit of the area gave part of
    its land to one outside). A reorganisation wholly inside the area (communes of a
    province merged) changes nothing."""
    if before.code == COUNTRY and after.code == COUNTRY:
        return False
    if set(before.roots) != set(after.roots):
        return True
    if set(after.absorbed) - set(before.absorbed):
        return True
    inside_before = Unit.objects.filter(unit_in_territory_q(before)).values("pk")
    inside_after = Unit.objects.filter(unit_in_territory_q(after)).values("pk")
    touching = Succession.objects.filter(
        Q(old_units__in=inside_before) | Q(new_units__in=inside_after),
        date__gt=before.as_of,
        date__lte=after.as_of,
    )
    territory_before, territory_after = set(before.territory), set(after.territory)
    for olds, news in _parts(touching.values_list("pk", flat=True).distinct()).values():
        if not (
            all(o.under(territory_before) for o in olds)
            and all(n.under(territory_after) for n in news)
        ):
            return True
    return False


def units_below_q(ids: Iterable[int]) -> Q:
    """Q over Unit: one of these units or a unit below one of them (ancestors are
    denormalised on the unit, so this is one indexed comparison per level)."""
    units = list(ids)
    return Q(pk__in=units) | Q(district__in=units) | Q(province__in=units)


def unit_in_area_q(area: Area) -> Q:
    """Q over Unit: the unit is one of the area's roots or lies below one of them."""
    return units_below_q(area.roots)


def unit_in_territory_q(area: Area) -> Q:
    """Q over Unit: the unit is one of the area's roots or absorbed units, or lies below one
    of them (an ended commune that went into a commune of the area included)."""
    return units_below_q(area.territory)


def located_in_q(area: Area, prefix: str = "unit") -> Q:
    """Q over a model with a FK `prefix` to Unit: the unit is one of the area's roots or
    absorbed units, or lies below one of them. Written as `unit IN (subquery)` so that
    databases drive it from the index on the foreign key; the whole country needs no filter
    at all."""
    if area.code == COUNTRY:
        return Q(**{f"{prefix}__isnull": False})
    return Q(**{f"{prefix}__in": Unit.objects.filter(unit_in_territory_q(area)).values("pk")})


@transaction.atomic
def record_succession(
    *,
    date: dt.date,
    old_codes: Iterable[str],
    new_codes: Iterable[str],
    only_old_territory: bool,
    verified: bool = False,
    source: str = "",
    note: str = "",
    user: object | None = None,
) -> Succession:
    """Old codes are read on the day before `date`, new codes on `date`."""
    day_before = date - dt.timedelta(days=1)
    olds = [_require(code, day_before) for code in old_codes]
    news = [_require(code, date) for code in new_codes]
    if not olds or not news:
        raise AreaError(_("Cần ít nhất một đơn vị cũ và một đơn vị mới."))
    succession = Succession.objects.create(
        date=date,
        only_old_territory=only_old_territory,
        verified=verified,
        source=source,
        note=note,
        created_by=user if getattr(user, "pk", None) else None,  # type: ignore[misc]
    )
    succession.old_units.set(olds)
    succession.new_units.set(news)
    return succession


def _require(code: str, on: dt.date) -> Unit:
    unit = unit_at(code, on)
    if unit is None:
        raise AreaError(
            _("Không có đơn vị hành chính mã %(code)s vào ngày %(date)s.")
            % {"code": code, "date": on.strftime("%d/%m/%Y")}
        )
    return unit
