"""Import of the Excel template (DOMAIN.md §6): validate everything, then write everything.

`plan_import` reads the whole workbook and the rows it touches, checks every cell with the
shared parsers of `validation.py` and every rule of §6, and returns either the problems or
the unsaved objects to write; `writing.apply_plan` writes them with bulk queries in one
transaction, with one audit entry per created or changed record. Nothing is written when
there is any problem.
"""

import datetime as dt
import hashlib
import json
import logging
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import DatabaseError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kttt.access.registry import code_taken_message, entities_visible_to, entities_writable_by
from kttt.access.scope import REGISTRY_WRITERS
from kttt.areas.models import Level, Unit, canonical_code
from kttt.changes.services import data_version
from kttt.lib.dates import format_date, year_end
from kttt.registry import rules, validation
from kttt.registry.excel.reading import BadFile, Problem, Problems, Sheet, open_workbook
from kttt.registry.excel.template import (
    SHEET_ENTITIES,
    SHEET_OCOP,
    SHEET_YEARLY,
    SHEETS,
    YEARLY_COUNT_COLUMNS,
    YEARLY_MONEY_COLUMNS,
)
from kttt.registry.models import (
    MAX_COUNT,
    AuditEntry,
    Entity,
    Location,
    OcopProduct,
    Status,
    StatusChange,
    YearlyReport,
)
from kttt.registry.services import diff, jsonable
from kttt.registry.validation import Invalid

logger = logging.getLogger(__name__)

SOURCE = "import"
# Rows per INSERT/UPDATE. Django lowers it further on SQLite to stay under the
# 999-variable limit; on PostgreSQL it keeps statements of a reasonable size.
BATCH_SIZE = 1000
# Values per `IN (...)` when reading the rows a file touches (SQLite's variable limit).
LOOKUP_CHUNK = 900

_INVALID = object()  # a cell that failed to parse (its problem is already recorded)
ENTITY_VALUE_FIELDS = ("name", "kind", "sector", "established_on", "is_model_coop")
YEARLY_VALUE_FIELDS = (
    *(c.key for c in YEARLY_COUNT_COLUMNS),
    *(c.key for c in YEARLY_MONEY_COLUMNS),
    "grade",
    "hightech",
    "value_chain",
)
OCOP_VALUE_FIELDS = ("stars", "recognized_on", "level")


@dataclass
class Counts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    @property
    def total(self) -> int:
        return self.created + self.updated + self.unchanged


@dataclass
class ImportPlan:
    """What an import would do: problems, or the writes and their audit entries."""

    problems: Problems = field(default_factory=Problems)
    counts: dict[str, Counts] = field(default_factory=dict)
    sheets: list[str] = field(default_factory=list)  # the template sheets found
    new_entities: list[Entity] = field(default_factory=list)
    changed_entities: dict[int, Entity] = field(default_factory=dict)
    entity_fields: set[str] = field(default_factory=set)
    new_locations: list[Location] = field(default_factory=list)
    changed_locations: dict[int, Location] = field(default_factory=dict)
    new_statuses: list[StatusChange] = field(default_factory=list)
    # (entity, year, values in YEARLY_VALUE_FIELDS order): plain tuples, since a large
    # import creates many.
    new_reports: list[tuple[Entity, int, tuple[Any, ...]]] = field(default_factory=list)
    changed_reports: list[YearlyReport] = field(default_factory=list)
    report_fields: set[str] = field(default_factory=set)
    new_products: list[OcopProduct] = field(default_factory=list)
    changed_products: list[OcopProduct] = field(default_factory=list)
    product_fields: set[str] = field(default_factory=set)
    # (entity, action, target, changes as JSON); entities may be unsaved until apply_plan.
    audits: list[tuple[Entity, str, str, str]] = field(default_factory=list)
    # What the check read, for the writer to tell whether it still holds (writing.py): the
    # data version before the check, the codes of the file and a digest of their rows.
    version: str = ""
    codes: list[str] = field(default_factory=list)
    state: str = ""

    @property
    def ok(self) -> bool:
        return not self.problems.total

    def audit(self, entity: Entity, action: str, target: str, changes: dict[str, Any]) -> None:
        self.audits.append((entity, action, target, json.dumps(changes)))


class Communes:
    """Every commune-level unit in memory, read by code at a date as `unit_at` reads them
    (one query instead of one per row)."""

    def __init__(self) -> None:
        self.by_code: dict[str, list[Unit]] = defaultdict(list)
        self.by_pk: dict[int, Unit] = {}
        for unit in Unit.objects.filter(level=Level.COMMUNE):
            self.by_code[unit.code].append(unit)
            self.by_pk[unit.pk] = unit
        # Districts, for the OCOP rule on the level in force (a few hundred nationwide).
        self.districts = {u.pk: u for u in Unit.objects.filter(level=Level.DISTRICT)}

    def district_level(self, commune_pk: int, on: dt.date) -> bool:
        district_pk = self.by_pk[commune_pk].district_id
        district = self.districts.get(district_pk) if district_pk is not None else None
        return rules.district_level_on(district, on)

    def at(self, raw: Any, on: dt.date) -> Unit:
        digits = validation.text(raw)
        if not digits.isdigit() or len(digits) > 5:
            raise Invalid(
                _("mã xã “%(code)s” không hợp lệ (gồm tối đa 5 chữ số)") % {"code": digits}
            )
        code = canonical_code(digits, Level.COMMUNE)
        named = self.by_code.get(code, [])
        for unit in named:
            if unit.is_valid_at(on):
                return unit
        if named:
            # The code names a unit at other dates: refuse as the rule on placements
            # does, naming the unit closest in time (the last to end before `on`).
            ended = [u for u in named if u.valid_to is not None and u.valid_to < on]
            if ended:
                closest = max(ended, key=lambda u: u.valid_to or on)
            else:
                closest = min(named, key=lambda u: u.valid_from or on)
            raise Invalid(rules.placement(closest, on)[0].message)
        raise Invalid(
            _("không có xã, phường, thị trấn mã %(code)s vào ngày %(date)s")
            % {"code": digits, "date": format_date(on)}
        )


class Rows:
    """Problems of one sheet, attached to the cell they are about."""

    def __init__(self, sheet: Sheet, problems: list[Problem]) -> None:
        self.sheet = sheet
        self.problems = problems
        self.headers = {c.key: c.header for c in SHEETS[sheet.name]}
        self.memo: dict[Callable[..., Any], dict[tuple[type, Any], tuple[bool, Any]]] = {}

    def error(self, row: int, key: str, message: str) -> None:
        self.problems.append(
            Problem(
                message,
                sheet=self.sheet.name,
                row=row,
                column=self.headers.get(key, ""),
                letter=self.sheet.letters.get(key, ""),
            )
        )

    def breaches(
        self, row: int, breaches: list[rules.Breach], columns: dict[str, str] | None = None
    ) -> bool:
        """Record each broken rule at its column (`columns` maps a rule's field to the
        sheet's column key where they differ); True if there was none."""
        for breach in breaches:
            self.error(row, (columns or {}).get(breach.field, breach.field), breach.message)
        return not breaches

    def parse(
        self, row: int, values: dict[str, Any], key: str, parser: Callable[..., Any], **kw: Any
    ) -> Any:
        raw = values.get(key)
        if raw is None:
            pass
        elif parser is validation.count and type(raw) is float:
            # Fast path for the commonest cell, a whole number in range: the result
            # validation.count() gives, without its Decimal round trip.
            if raw.is_integer() and 0 <= raw <= MAX_COUNT:
                return int(raw)
        elif parser in _MEMO_PARSERS and not kw and isinstance(raw, str | int | float | bool):
            # Enumerations repeat a handful of values over thousands of rows.
            memo = self.memo.setdefault(parser, {})
            key_raw = (type(raw), raw)
            if key_raw not in memo:
                try:
                    memo[key_raw] = (True, parser(raw))
                except Invalid as exc:
                    memo[key_raw] = (False, str(exc))
            ok, result = memo[key_raw]
            if ok:
                return result
            self.error(row, key, result)
            return _INVALID
        try:
            return parser(raw, **kw)
        except Invalid as exc:
            self.error(row, key, str(exc))
            return _INVALID


# Sheet HTX: the rules' field names that are another column there.
_ENTITY_COLUMNS = {"unit": "commune", "date": "status_date"}
_NAME = gettext_lazy("tên")
# The registry's optional text columns (docs/import-template.md) and their longest value.
CONTACT_FIELDS = {
    key: getattr(Entity._meta.get_field(key), "max_length", None) or 255
    for key in ("address", "representative", "phone")
}
# Translated only when needed: a large file has thousands of rows with no problem.
_REQUIRED_LABELS: dict[str, Callable[[], str]] = {
    "name": lambda: _("tên"),
    "kind": lambda: _("loại hình"),
    "sector": lambda: _("lĩnh vực"),
    "established_on": lambda: _("ngày thành lập"),
    "commune": lambda: _("mã xã"),
}
# Parsers whose result depends on the cell value alone (and, for the year, on today).
_MEMO_PARSERS = frozenset(
    {
        validation.kind,
        validation.sector,
        validation.status,
        validation.grade,
        validation.ocop_level,
        validation.yes_no,
        validation.year,  # reads today's date on every call
    }
)


def chunks(items: Sequence[Any], size: int = LOOKUP_CHUNK) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


@dataclass
class Known:
    """The database rows a file touches, read once."""

    entities: dict[str, Entity] = field(default_factory=dict)
    locations: dict[int, list[Location]] = field(default_factory=lambda: defaultdict(list))
    latest_status: dict[int, StatusChange] = field(default_factory=dict)
    first_status: dict[int, StatusChange] = field(default_factory=dict)
    # (entity id, year) -> (pk, values in YEARLY_VALUE_FIELDS order): tuples, not model
    # instances, since re-importing a large file reads 100.000 of them.
    reports: dict[tuple[int, int], tuple[int, tuple[Any, ...]]] = field(default_factory=dict)
    products: dict[tuple[int, str], OcopProduct] = field(default_factory=dict)
    writable: set[int] | None = None  # None: every entity
    visible: set[int] | None = None  # None: every entity

    @classmethod
    def load(cls, codes: Iterable[str], scope: Any) -> "Known":
        known = cls()
        for chunk in chunks(sorted(set(codes))):
            for entity in Entity.objects.filter(code__in=chunk):
                known.entities[entity.code] = entity
        ids = sorted(e.pk for e in known.entities.values())
        for chunk in chunks(ids):
            for location in Location.objects.filter(entity__in=chunk).order_by("valid_from"):
                known.locations[location.entity_id].append(location)
            for change in StatusChange.objects.filter(entity__in=chunk).order_by("date", "pk"):
                known.latest_status[change.entity_id] = change
                known.first_status.setdefault(change.entity_id, change)
            for pk, entity_id, year, *values in YearlyReport.objects.filter(
                entity__in=chunk
            ).values_list("pk", "entity", "year", *YEARLY_VALUE_FIELDS):
                known.reports[(entity_id, year)] = (pk, tuple(values))
            for product in OcopProduct.objects.filter(entity__in=chunk):
                known.products[(product.entity_id, product.name)] = product
        if scope is not None and not scope.is_admin:
            known.writable, known.visible = set(), set()
            for chunk in chunks(ids):
                allowed = entities_writable_by(scope, REGISTRY_WRITERS).filter(pk__in=chunk)
                known.writable.update(allowed.values_list("pk", flat=True))
                seen = entities_visible_to(scope).filter(pk__in=chunk)
                known.visible.update(seen.values_list("pk", flat=True))
        return known


def touched_state(codes: Sequence[str], scope: Any) -> str:
    """A digest of every database row a check of these codes reads: the cooperatives of
    the codes (or their absence), their locations, statuses, yearly rows and OCOP products,
    every unit, and what the user may see and write of them. Equal digests: the check
    would find what it found before."""
    digest = hashlib.blake2b(digest_size=20)

    def feed(rows: Iterable[tuple[Any, ...]]) -> None:
        for row in rows:
            digest.update(repr(row).encode())
        digest.update(b"|")

    def every(model: Any) -> list[str]:
        return [f.attname for f in model._meta.concrete_fields]

    ids: list[int] = []
    for chunk in chunks(sorted(set(codes))):
        rows = list(
            Entity.objects.filter(code__in=chunk).order_by("pk").values_list(*every(Entity))
        )
        ids += [row[0] for row in rows]
        feed(rows)
    ids.sort()
    for model in (Location, StatusChange, YearlyReport, OcopProduct):
        for chunk in chunks(ids):
            feed(model.objects.filter(entity__in=chunk).order_by("pk").values_list(*every(model)))
    feed(Unit.objects.order_by("pk").values_list(*every(Unit)))
    if scope is not None and not scope.is_admin:
        for chunk in chunks(ids):
            allowed = entities_writable_by(scope, REGISTRY_WRITERS).filter(pk__in=chunk)
            feed([tuple(sorted(allowed.values_list("pk", flat=True)))])
            seen = entities_visible_to(scope).filter(pk__in=chunk)
            feed([tuple(sorted(seen.values_list("pk", flat=True)))])
    return digest.hexdigest()


class Importer:
    """Builds an ImportPlan from the sheets of one workbook."""

    def __init__(self, sheets: dict[str, Sheet], problems: Problems, scope: Any) -> None:
        self.plan = ImportPlan(problems=problems, sheets=list(sheets))
        self.scope = scope if scope is not None and not scope.is_admin else None
        self.placeable: dict[tuple[int, dt.date], bool] = {}
        self.sheets = sheets
        # A first quick pass collects the codes, so that the database rows they touch are
        # loaded in a few bulk queries before the rows are checked one by one.
        codes = {validation.text(raw) for sheet in sheets.values() for raw in sheet.codes()}
        valid = sorted(c for c in codes if validation.CODE_PATTERN.match(c))
        # The check runs outside any transaction (other users keep saving): what it is about
        # to read is noted first, in this order, so that any write from now on shows.
        self.plan.version = data_version()
        self.plan.codes = valid
        self.plan.state = touched_state(valid, scope)
        self.communes = Communes()
        self.known = Known.load(valid, scope)
        # Code -> entity (existing or new) for the rows that may be referred to, and the
        # codes whose HTX row has problems (their other rows are not checked further).
        self.entities: dict[str, Entity] = dict(self.known.entities)
        self.new_codes: set[str] = set()
        self.broken_codes: set[str] = set()
        # Entity key -> location history as it will be after the import, oldest first.
        self.timelines: dict[int, list[Location]] = {}
        self.seen_codes: dict[str, int] = {}
        # Without a usable HTX sheet, a code missing from the database may well be in the
        # broken sheet: say nothing about it rather than one false problem per row.
        self.entities_known = SHEET_ENTITIES in sheets

    def run(self) -> ImportPlan:
        for name in SHEETS:
            if name in self.sheets:
                self.plan.counts[name] = Counts()
        if SHEET_ENTITIES in self.sheets:
            rows = Rows(self.sheets[SHEET_ENTITIES], self.plan.problems)
            for row, values in rows.sheet.rows(self.plan.problems):
                self.entity_row(rows, row, values)
        if SHEET_YEARLY in self.sheets:
            self.yearly(Rows(self.sheets[SHEET_YEARLY], self.plan.problems))
        if SHEET_OCOP in self.sheets:
            rows = Rows(self.sheets[SHEET_OCOP], self.plan.problems)
            seen: dict[tuple[str, str], int] = {}
            for row, values in rows.sheet.rows(self.plan.problems):
                self.ocop_row(rows, row, values, seen)
        self.plan.problems.sort(key=_problem_order)
        return self.plan

    # Access -------------------------------------------------------------------------

    def may_place(self, unit: Unit, on: dt.date) -> bool:
        """Is the commune, read on `on`, in the user's territory (`Scope.covers`)?"""
        if self.scope is None:
            return True
        if (unit.pk, on) not in self.placeable:
            self.placeable[(unit.pk, on)] = self.scope.covers(unit, on)
        return self.placeable[(unit.pk, on)]

    def keeps_first_place(self, entity: Entity | None, unit: Unit, day: dt.date) -> bool:
        """Does the row repeat where an existing entity was founded? Then it puts nobody
        anywhere: an officer re-imports its own export, where a cooperative that moved into
        its territory from outside still shows the commune it was founded in."""
        if entity is None:
            return False
        first = next(iter(self.known.locations.get(entity.pk, [])), None)
        return first is not None and first.unit_id == unit.pk and first.valid_from == day

    def already_there(self, entity: Entity, unit: Unit, day: dt.date) -> bool:
        """Is an existing entity recorded in `unit` on `day`? Then a yearly row's commune
        moves nobody (the year's commune of a cooperative that came from outside)."""
        rows = self.known.locations.get(entity.pk, []) if entity.pk is not None else []
        current = None
        for location in rows:
            if location.valid_from <= day:
                current = location
        return current is not None and current.unit_id == unit.pk

    def may_write(self, entity: Entity) -> bool:
        return self.known.writable is None or entity.pk is None or entity.pk in self.known.writable

    def may_see(self, entity: Entity) -> bool:
        return self.known.visible is None or entity.pk is None or entity.pk in self.known.visible

    def out_of_scope(self, rows: Rows, row: int, key: str, what: str) -> None:
        rows.error(row, key, _("%(what)s ngoài phạm vi quản lý của bạn") % {"what": what})

    # Sheet HTX ----------------------------------------------------------------------

    def entity_row(self, rows: Rows, row: int, values: dict[str, Any]) -> None:
        before = self.plan.problems.total
        code = rows.parse(row, values, "code", validation.entity_code)
        existing = self.known.entities.get(code) if code is not _INVALID else None
        new = existing is None

        def optional(key: str, parser: Callable[..., Any], **kw: Any) -> Any:
            if validation.is_blank(values.get(key)):
                if new:
                    label = _REQUIRED_LABELS[key]()
                    rows.error(
                        row, key, _("chưa nhập %(what)s (bắt buộc với HTX mới)") % {"what": label}
                    )
                    return _INVALID
                return None
            return rows.parse(row, values, key, parser, **kw)

        name = optional("name", validation.required_text, what=_NAME)
        kind = optional("kind", validation.kind)
        sector = optional("sector", validation.sector)
        established = optional("established_on", validation.date)
        status = rows.parse(row, values, "status", validation.status)
        status_date = rows.parse(row, values, "status_date", validation.date)
        model_coop = rows.parse(row, values, "is_model_coop", validation.yes_no)
        # The registry's optional columns: blank leaves what is recorded (as for every
        # other column of an existing entity).
        contacts = {
            key: rows.parse(row, values, key, validation.optional_text, max_length=length)
            for key, length in CONTACT_FIELDS.items()
            if not validation.is_blank(values.get(key))
        }
        commune_blank = validation.is_blank(values.get("commune"))
        if commune_blank and new:
            rows.error(
                row,
                "commune",
                _("chưa nhập %(what)s (bắt buộc với HTX mới)") % {"what": _("mã xã")},
            )
        if code is _INVALID:
            return
        if code in self.seen_codes:
            rows.error(
                row,
                "code",
                _("mã số HTX %(code)s đã có ở dòng %(row)s")
                % {"code": code, "row": self.seen_codes[code]},
            )
            return
        self.seen_codes[code] = row
        day = established if established not in (None, _INVALID) else None
        if day is None and existing is not None and established is None:
            day = existing.established_on
        unit = None
        if not commune_blank and day is not None:
            unit = rows.parse(row, values, "commune", self.communes.at, on=day)
            if (
                unit is not _INVALID
                and not self.keeps_first_place(existing, unit, day)
                and not self.may_place(unit, day)
            ):
                self.out_of_scope(rows, row, "commune", _("xã mã %(code)s") % {"code": unit.code})
        if existing is not None and not self.may_write(existing):
            if self.may_see(existing):
                self.out_of_scope(rows, row, "code", _("HTX %(code)s") % {"code": code})
            else:  # out of the territory: as if missing, the code is just not usable
                assert self.scope is not None
                rows.error(row, "code", code_taken_message(self.scope, code))
        if self.plan.problems.total > before or day is None:
            self.broken_codes.add(code)
            return
        fields = {
            "name": name,
            "kind": kind,
            "sector": sector,
            "established_on": day,
            "is_model_coop": model_coop,
            **contacts,
        }
        if existing is None:
            assert unit is not None  # a new entity without a commune has a problem above
            self.create_entity(rows, row, code, fields, unit, status, status_date)
        else:
            fields = {k: v for k, v in fields.items() if v is not None}
            self.update_entity(rows, row, existing, fields, unit, status, status_date)
        if self.plan.problems.total > before:
            self.broken_codes.add(code)

    def create_entity(
        self,
        rows: Rows,
        row: int,
        code: str,
        fields: dict[str, Any],
        unit: Unit,
        status: str,
        status_date: dt.date | None,
    ) -> None:
        entity = Entity(code=code, **fields)
        entity.derive()
        if not rows.breaches(row, rules.founding(entity.established_on)):
            return
        if not self.status_ok(rows, row, entity, Status.ACTIVE, None, status, status_date):
            return
        location = Location(entity=entity, unit=unit, valid_from=entity.established_on)
        self.plan.new_entities.append(entity)
        self.plan.new_locations.append(location)
        self.timelines[id(entity)] = [location]
        self.entities[code] = entity
        self.new_codes.add(code)
        created = {f: [None, jsonable(v)] for f, v in {"code": code, **fields}.items()}
        created["unit"] = [None, unit.label]
        self.plan.audit(entity, AuditEntry.Action.CREATE, "entity", created)
        self.add_status(entity, Status.ACTIVE, status, status_date)
        self.plan.counts[SHEET_ENTITIES].created += 1

    def update_entity(
        self,
        rows: Rows,
        row: int,
        entity: Entity,
        fields: dict[str, Any],
        unit: Unit | None,
        status: str,
        status_date: dt.date | None,
    ) -> None:
        locations = [self._copy(loc) for loc in self.known.locations.get(entity.pk, [])]
        day = fields["established_on"]
        first = locations[0] if locations else None
        if day != entity.established_on:
            first_change = self.known.first_status.get(entity.pk)
            breaches = rules.founding(
                day,
                status_dates=[first_change.date] if first_change else [],
                move_dates=[loc.valid_from for loc in locations[1:]],
            )
            if unit is None and first is not None:
                breaches += rules.placement(self.communes.by_pk[first.unit_id], day)
            if not rows.breaches(row, breaches, _ENTITY_COLUMNS):
                return
        latest = self.known.latest_status.get(entity.pk)
        current = latest.status if latest else Status.ACTIVE
        latest_date = latest.date if latest else None
        if not self.status_ok(rows, row, entity, current, latest_date, status, status_date, day):
            return
        changed = False
        changes = diff(entity, fields)
        if changes:
            target = self.plan.changed_entities.setdefault(entity.pk, entity)
            for name in changes:
                setattr(target, name, fields[name])
            if "name" in changes:
                target.derive()
                self.plan.entity_fields.update({"search_text", "sort_name"})
            self.plan.entity_fields.update(changes)
            self.plan.audit(entity, AuditEntry.Action.UPDATE, "entity", changes)
            changed = True
        if first is None:
            first = Location(entity=entity, unit=unit, valid_from=day)
            self.plan.new_locations.append(first)
            locations = [first]
            changed = True
        elif (unit is not None and unit.pk != first.unit_id) or first.valid_from != day:
            old_unit = self.communes.by_pk[first.unit_id]
            new_unit = unit or old_unit
            moved = {
                "unit": [old_unit.label, new_unit.label],
                "valid_from": [jsonable(first.valid_from), jsonable(day)],
            }
            first.unit, first.valid_from = new_unit, day
            self.plan.changed_locations[first.pk] = first
            self.plan.audit(entity, AuditEntry.Action.UPDATE, "location", moved)
            changed = True
        self.timelines[entity.pk] = locations
        changed |= self.add_status(entity, current, status, status_date)
        counts = self.plan.counts[SHEET_ENTITIES]
        if changed:
            counts.updated += 1
        else:
            counts.unchanged += 1

    @staticmethod
    def _copy(location: Location) -> Location:
        """A detached copy, so that a plan never changes the rows it read."""
        return Location(
            pk=location.pk,
            entity_id=location.entity_id,
            unit_id=location.unit_id,
            valid_from=location.valid_from,
            succession_id=location.succession_id,
            note=location.note,
        )

    def status_ok(
        self,
        rows: Rows,
        row: int,
        entity: Entity,
        current: str,
        latest_date: dt.date | None,
        status: Any,
        status_date: Any,
        established: dt.date | None = None,
    ) -> bool:
        if status is _INVALID or status_date is _INVALID:
            return False
        if status_date is None and status != Status.ACTIVE:
            # The template's own rule: the row states the latest status with its date,
            # even when that status is already recorded.
            return rows.breaches(row, [rules.status_date_missing(status)], _ENTITY_COLUMNS)
        if status == current:
            return True  # the row restates the latest status: nothing to add
        breaches = rules.status_change(
            status=status,
            date=status_date,
            established_on=established or entity.established_on,
            current_status=current,
            latest_date=latest_date,
        )
        return rows.breaches(row, breaches, _ENTITY_COLUMNS)

    def add_status(
        self, entity: Entity, current: str, status: str, status_date: dt.date | None
    ) -> bool:
        if status == current:
            return False
        assert status_date is not None  # status_ok() required it
        self.plan.new_statuses.append(StatusChange(entity=entity, status=status, date=status_date))
        self.plan.audit(
            entity,
            AuditEntry.Action.CREATE,
            "status",
            {"status": [current, status], "date": [None, status_date.isoformat()]},
        )
        return True

    # Sheet Số liệu năm --------------------------------------------------------------

    def entity_for(self, rows: Rows, row: int, code: Any) -> Entity | None:
        """The entity a yearly or OCOP row is about, or None (with a problem recorded
        unless the entity's own row already has one)."""
        if code is _INVALID or code in self.broken_codes:
            return None
        entity = self.entities.get(code)
        if entity is None and not self.entities_known:
            return None
        if entity is not None and not self.may_see(entity):
            entity = None  # out of the territory: as if missing
        if entity is None:
            rows.error(
                row,
                "code",
                _("không có HTX mã %(code)s trong trang HTX của tệp hay trong sổ") % {"code": code},
            )
            return None
        if code not in self.new_codes and not self.may_write(entity):
            self.out_of_scope(rows, row, "code", _("HTX %(code)s") % {"code": code})
            return None
        return entity

    def yearly(self, rows: Rows) -> None:
        seen: dict[tuple[str, int], int] = {}
        accepted = []
        for row, values in rows.sheet.rows(self.plan.problems):
            before = self.plan.problems.total
            code = rows.parse(row, values, "code", validation.entity_code)
            year = rows.parse(row, values, "year", validation.year)
            figures: dict[str, Any] = {}
            for column in YEARLY_COUNT_COLUMNS:
                figures[column.key] = rows.parse(row, values, column.key, validation.count)
            for column in YEARLY_MONEY_COLUMNS:
                negative = column.key == "profit"
                figures[column.key] = rows.parse(
                    row, values, column.key, validation.money, negative=negative
                )
            figures["grade"] = rows.parse(row, values, "grade", validation.grade)
            figures["hightech"] = rows.parse(row, values, "hightech", validation.yes_no)
            figures["value_chain"] = rows.parse(row, values, "value_chain", validation.yes_no)
            # A cell that failed to parse has its problem; the rules read it as blank.
            known = {k: (None if v is _INVALID else v) for k, v in figures.items()}
            if code is _INVALID or year is _INVALID:
                rows.breaches(row, rules.yearly_figures(known))
                continue
            if (code, year) in seen:
                rows.error(
                    row,
                    "year",
                    _("số liệu năm %(year)s của HTX %(code)s đã có ở dòng %(row)s")
                    % {"year": year, "code": code, "row": seen[(code, year)]},
                )
                rows.breaches(row, rules.yearly_figures(known))
                continue
            seen[(code, year)] = row
            entity = self.entity_for(rows, row, code)
            established = entity.established_on if entity is not None else None
            breaches = rules.yearly(year=year, established_on=established, values=known)
            rows.breaches(row, breaches)
            if entity is None or any(b.field == "year" for b in breaches):
                continue
            unit = None
            if not validation.is_blank(values.get("commune")):
                unit = rows.parse(row, values, "commune", self.communes.at, on=year_end(year))
                if (
                    unit is not _INVALID
                    and not self.already_there(entity, unit, year_end(year))
                    and not self.may_place(unit, year_end(year))
                ):
                    self.out_of_scope(
                        rows, row, "commune", _("xã mã %(code)s") % {"code": unit.code}
                    )
            if self.plan.problems.total == before:
                # A tuple rather than the dict: a large file keeps 100.000 of them.
                figures_row = tuple(figures[f] for f in YEARLY_VALUE_FIELDS)
                accepted.append((row, entity, year, figures_row, unit))
        # Moves are recorded oldest first, so that each year's "where was it" sees the
        # moves of the years before.
        accepted.sort(key=lambda item: (item[2], item[0]))
        for _row, entity, year, values_row, unit in accepted:
            self.yearly_row(entity, year, values_row, unit)

    def yearly_row(
        self, entity: Entity, year: int, values: tuple[Any, ...], unit: Unit | None
    ) -> None:
        counts = self.plan.counts[SHEET_YEARLY]
        moved = unit is not None and self.move(entity, unit, year_end(year))
        known = self.known.reports.get((entity.pk, year)) if entity.pk else None
        target = f"yearly:{year}"
        if known is None:
            self.plan.new_reports.append((entity, year, values))
            created = {
                f: [None, jsonable(v)]
                for f, v in zip(YEARLY_VALUE_FIELDS, values, strict=True)
                if v is not None and v is not False and v != ""
            }
            self.plan.audit(entity, AuditEntry.Action.CREATE, target, created)
            counts.created += 1
            return
        pk, old_values = known
        changes = {
            f: [jsonable(old), jsonable(new)]
            for f, old, new in zip(YEARLY_VALUE_FIELDS, old_values, values, strict=True)
            if old != new
        }
        if changes:
            report = YearlyReport(pk=pk, entity=entity, year=year)
            for name, value in zip(YEARLY_VALUE_FIELDS, values, strict=True):
                setattr(report, name, value)
            self.plan.changed_reports.append(report)
            self.plan.report_fields.update(changes)
            self.plan.audit(entity, AuditEntry.Action.UPDATE, target, changes)
        if changes or moved:
            counts.updated += 1
        else:
            counts.unchanged += 1

    def move(self, entity: Entity, unit: Unit, day: dt.date) -> bool:
        """Record that the entity is in `unit` on `day` (31/12 of a year); True if that
        changes its location history."""
        key = entity.pk if entity.pk is not None else id(entity)
        if key not in self.timelines:
            self.timelines[key] = [self._copy(loc) for loc in self.known.locations[entity.pk]]
        timeline = self.timelines[key]
        current = None
        for location in timeline:
            if location.valid_from <= day:
                current = location
        if current is not None and current.unit_id == unit.pk:
            return False
        old = self.communes.by_pk[current.unit_id].label if current is not None else None
        change = {"unit": [old, unit.label], "date": [None, day.isoformat()]}
        if current is not None and current.valid_from == day:
            current.unit = unit
            if current.pk is not None:
                self.plan.changed_locations[current.pk] = current
            self.plan.audit(entity, AuditEntry.Action.UPDATE, "location", change)
            return True
        location = Location(entity=entity, unit=unit, valid_from=day)
        timeline.append(location)
        timeline.sort(key=lambda loc: loc.valid_from)
        self.plan.new_locations.append(location)
        self.plan.audit(entity, AuditEntry.Action.CREATE, "location", change)
        return True

    # Sheet OCOP ---------------------------------------------------------------------

    def district_level(self, entity: Entity, on: dt.date) -> bool:
        """Whether a district exists on `on` where the entity is then, by its location
        history as it will be after the import (its first row when `on` is earlier)."""
        key = entity.pk if entity.pk is not None else id(entity)
        timeline = self.timelines.get(key) or self.known.locations.get(entity.pk, [])
        if not timeline:
            return False
        current = timeline[0]
        for location in timeline:
            if location.valid_from <= on:
                current = location
        return self.communes.district_level(current.unit_id, on)

    def ocop_row(
        self, rows: Rows, row: int, values: dict[str, Any], seen: dict[tuple[str, str], int]
    ) -> None:
        before = self.plan.problems.total
        code = rows.parse(row, values, "code", validation.entity_code)
        name = rows.parse(row, values, "name", validation.required_text, what=_("tên sản phẩm"))
        stars = rows.parse(row, values, "stars", validation.stars)
        recognized = rows.parse(row, values, "recognized_on", validation.date)
        if recognized is None:
            rows.error(row, "recognized_on", _("chưa nhập ngày công nhận"))
        level = rows.parse(row, values, "level", validation.ocop_level)
        if code is _INVALID or name is _INVALID:
            return
        if (code, name) in seen:
            rows.error(
                row,
                "name",
                _("sản phẩm “%(name)s” của HTX %(code)s đã có ở dòng %(row)s")
                % {"name": name, "code": code, "row": seen[(code, name)]},
            )
            return
        seen[(code, name)] = row
        entity = self.entity_for(rows, row, code)
        if entity is None or self.plan.problems.total > before:
            return
        breaches = rules.ocop(
            stars=stars,
            recognized_on=recognized,
            level=level,
            established_on=entity.established_on,
            district_level=self.district_level(entity, recognized),
        )
        if not rows.breaches(row, breaches):
            return
        figures = {"stars": stars, "recognized_on": recognized, "level": level}
        counts = self.plan.counts[SHEET_OCOP]
        product = self.known.products.get((entity.pk, name)) if entity.pk else None
        target = f"ocop:{name}"
        if product is None:
            self.plan.new_products.append(OcopProduct(entity=entity, name=name, **figures))
            created = {f: [None, jsonable(v)] for f, v in figures.items()}
            self.plan.audit(entity, AuditEntry.Action.CREATE, target, created)
            counts.created += 1
            return
        changes = diff(product, figures)
        if not changes:
            counts.unchanged += 1
            return
        for key in changes:
            setattr(product, key, figures[key])
        self.plan.changed_products.append(product)
        self.plan.product_fields.update(changes)
        self.plan.audit(entity, AuditEntry.Action.UPDATE, target, changes)
        counts.updated += 1


def _problem_order(problem: Problem) -> tuple[int, int, str]:
    sheets = list(SHEETS)
    sheet = sheets.index(problem.sheet) + 1 if problem.sheet in sheets else 0
    return sheet, problem.row or 0, problem.letter.rjust(3)


def plan_import(
    path: str | Path, scope: Any = None, *, limit: int | None = Problems.SHOWN
) -> ImportPlan:
    """Check a workbook and work out what importing it would write. `scope` (an
    access.scope.Scope) limits the rows a non-admin user may touch; None: no limit. `limit`:
    how many problems are kept (every one is counted; None keeps all)."""
    try:
        return _plan(Path(path), scope, limit)
    except BadFile as exc:
        return ImportPlan(problems=Problems(exc.problems))
    except DatabaseError:
        raise
    except Exception:
        # The last guard of "no input may produce a traceback": a file that gets past
        # every check above and still breaks a parser. Logged in full for the developers.
        logger.exception("import of %s failed unexpectedly", path)
        return ImportPlan(
            problems=Problems([Problem(_("Không đọc được tệp: tệp bị hỏng hoặc không đúng mẫu."))])
        )


def _plan(path: Path, scope: Any, limit: int | None) -> ImportPlan:
    sheets, problems = open_workbook(path, limit)
    if SHEET_ENTITIES not in sheets:
        if not any(p.sheet == SHEET_ENTITIES for p in problems):
            problems.insert(0, Problem(_("thiếu trang “%(sheet)s”") % {"sheet": SHEET_ENTITIES}))
        # The other sheets are still checked so that every problem is reported at once.
        sheets = {name: sheet for name, sheet in sheets.items() if name != SHEET_ENTITIES}
    return Importer(sheets, problems, scope).run()
