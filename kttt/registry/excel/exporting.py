"""Export to the Excel template (DOMAIN.md §6), so that export then import gives the same
data. Numbers are numeric cells, dates are date cells, and text is always a text cell:
a name beginning with "=" must never become a formula in someone's spreadsheet.
"""

import datetime as dt
from collections import defaultdict
from decimal import Decimal
from pathlib import Path
from typing import Any, BinaryIO

from django.db.models import QuerySet
from django.utils import translation
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from kttt.areas.models import Level, Unit
from kttt.lib.dates import year_end
from kttt.registry.excel import layout
from kttt.registry.excel.template import (
    ENTITY_COLUMNS,
    OCOP_COLUMNS,
    SHEET_ENTITIES,
    SHEET_OCOP,
    SHEET_YEARLY,
    YEARLY_COLUMNS,
    YEARLY_COUNT_COLUMNS,
    YEARLY_MONEY_COLUMNS,
)
from kttt.registry.models import (
    Entity,
    Grade,
    Kind,
    Location,
    OcopLevel,
    OcopProduct,
    Sector,
    Status,
    StatusChange,
    YearlyReport,
)

DATE_FORMAT = "dd/mm/yyyy"
# Characters a spreadsheet program reads as the start of a formula when a person edits
# the cell; such text is stored as a string and marked with a quote prefix.
FORMULA_STARTS = ("=", "+", "-", "@")


class Cells:
    """Builds the cells of one write-only sheet with explicit types."""

    def __init__(self, sheet: WriteOnlyWorksheet) -> None:
        self.sheet = sheet

    def text(self, value: str | None) -> Any:
        if not value:
            return None
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
        if not value.startswith(FORMULA_STARTS):
            return value
        cell = WriteOnlyCell(self.sheet, value=value)
        cell.data_type = "s"  # openpyxl would otherwise store "=..." as a formula
        cell.quotePrefix = True
        return cell

    def date(self, value: dt.date | None) -> Any:
        if value is None:
            return None
        cell = WriteOnlyCell(self.sheet, value=value)
        cell.number_format = DATE_FORMAT
        return cell

    @staticmethod
    def number(value: Decimal | int | None) -> int | float | None:
        if value is None:
            return None
        if isinstance(value, Decimal):
            return int(value) if value == value.to_integral_value() else float(value)
        return value

    @staticmethod
    def yes_no(value: bool) -> str:
        return "Có" if value else "Không"

    def header(self, columns: Any) -> list[Any]:
        return layout.header(self.sheet, columns)


def _labels(choices: Any) -> dict[str, str]:
    return {value: str(label) for value, label in choices.choices}


def _located_at(history: list[tuple[dt.date, int]], on: dt.date) -> int | None:
    unit = None
    for valid_from, unit_id in history:
        if valid_from > on:
            break
        unit = unit_id
    return unit


def export_workbook(entities: QuerySet[Entity], out: BinaryIO | str | Path) -> None:
    """Write the entities, their yearly data and OCOP products in the import template."""
    with translation.override("vi"):  # the template is Vietnamese whatever the UI says
        _export(entities, out)


def _export(entities: QuerySet[Entity], out: BinaryIO | str | Path) -> None:
    kinds, sectors, statuses = _labels(Kind), _labels(Sector), _labels(Status)
    grades, levels = _labels(Grade), _labels(OcopLevel)
    ids = entities.order_by().values("pk")
    units = {u.pk: u for u in Unit.objects.filter(level=Level.COMMUNE)}
    history: dict[int, list[tuple[dt.date, int]]] = defaultdict(list)
    for entity_id, valid_from, unit_id in (
        Location.objects.filter(entity__in=ids)
        .order_by("entity", "valid_from")
        .values_list("entity", "valid_from", "unit")
    ):
        history[entity_id].append((valid_from, unit_id))
    latest: dict[int, tuple[str, dt.date]] = {}
    for entity_id, status, date in (
        StatusChange.objects.filter(entity__in=ids)
        .order_by("entity", "date", "pk")
        .values_list("entity", "status", "date")
    ):
        latest[entity_id] = (status, date)

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(SHEET_ENTITIES)
    layout.dress(sheet, SHEET_ENTITIES, ENTITY_COLUMNS)
    cells = Cells(sheet)
    sheet.append(cells.header(ENTITY_COLUMNS))
    for entity in Entity.objects.filter(pk__in=ids).order_by("code").iterator(chunk_size=2000):
        places = history.get(entity.pk, [])
        first_unit = _located_at(places, entity.established_on) or (
            places[0][1] if places else None
        )
        status, status_date = latest.get(entity.pk, (Status.ACTIVE, None))
        # The date of a return to "active" is not written: importing it could not record
        # it (there is no change from active to active), and the round trip must hold.
        if status == Status.ACTIVE:
            status_date = None
        commune = units.get(first_unit) if first_unit is not None else None
        row = {
            "code": cells.text(entity.code),
            "name": cells.text(entity.name),
            "kind": kinds.get(entity.kind, entity.kind),
            "commune": cells.text(commune.code) if commune else None,
            "commune_name": cells.text(commune.name) if commune else None,
            "sector": sectors.get(entity.sector, entity.sector),
            "established_on": cells.date(entity.established_on),
            "status": statuses.get(status, status),
            "status_date": cells.date(status_date),
            "is_model_coop": cells.yes_no(entity.is_model_coop),
            "address": cells.text(entity.address),
            "representative": cells.text(entity.representative),
            "phone": cells.text(entity.phone),
        }
        sheet.append([row[c.key] for c in ENTITY_COLUMNS])

    sheet = workbook.create_sheet(SHEET_YEARLY)
    layout.dress(sheet, SHEET_YEARLY, YEARLY_COLUMNS)
    cells = Cells(sheet)
    sheet.append(cells.header(YEARLY_COLUMNS))
    fields = [c.key for c in (*YEARLY_COUNT_COLUMNS, *YEARLY_MONEY_COLUMNS)]
    reports = (
        YearlyReport.objects.filter(entity__in=ids)
        .order_by("entity__code", "year")
        .values_list("entity", "entity__code", "year", *fields, "grade", "hightech", "value_chain")
    )
    for entity_id, code, year, *values in reports.iterator(chunk_size=5000):
        *figures, grade, hightech, value_chain = values
        end = year_end(year)
        year_unit = _located_at(history.get(entity_id, []), end)
        # A unit that no longer exists at 31/12 (an entity not yet moved after a merger)
        # is left blank: its code may mean another unit at that date.
        unit = units.get(year_unit) if year_unit is not None else None
        valid = unit is not None and unit.is_valid_at(end)
        sheet.append(
            [
                cells.text(code),
                year,
                *(cells.number(v) for v in figures),
                grades.get(grade) if grade else None,
                cells.yes_no(hightech),
                cells.yes_no(value_chain),
                cells.text(unit.code) if unit is not None and valid else None,
                cells.text(unit.name) if unit is not None and valid else None,
            ]
        )

    sheet = workbook.create_sheet(SHEET_OCOP)
    layout.dress(sheet, SHEET_OCOP, OCOP_COLUMNS)
    cells = Cells(sheet)
    sheet.append(cells.header(OCOP_COLUMNS))
    products = (
        OcopProduct.objects.filter(entity__in=ids)
        .order_by("entity__code", "name")
        .values_list("entity__code", "name", "stars", "recognized_on", "level")
    )
    for code, name, stars, recognized_on, level in products.iterator(chunk_size=5000):
        sheet.append(
            [
                cells.text(code),
                cells.text(name),
                stars,
                cells.date(recognized_on),
                levels.get(level) if level else None,
            ]
        )
    layout.add_lists(workbook)
    workbook.save(out)
