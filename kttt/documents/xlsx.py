"""A report's tables as a workbook: a sheet per table, the header row frozen and bold,
numbers stored as numbers (never as text) with a display format that groups thousands and
shows the decimals a reader needs, which Excel and LibreOffice in Vietnamese show as 63.090
and 46,5; column widths from the report's columns. A first sheet names the report."""

import datetime as dt
import io
from decimal import Decimal

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from kttt.documents.content import ColumnKind, Document

# Display formats by column kind. Stored values stay exact numbers.
FORMATS: dict[ColumnKind, str] = {
    "count": "#,##0",
    "decimal": "#,##0.##",
    "percent": "#,##0.00",
    "money": "#,##0.##",
    "year": "0",
}
FONT = "Times New Roman"


def _sheet_name(name: str, taken: set[str]) -> str:
    base = "".join(ch for ch in name if ch not in "[]:*?/\\")[:31] or "Bang"
    candidate, i = base, 2
    while candidate.lower() in taken:
        suffix = f" ({i})"
        candidate, i = base[: 31 - len(suffix)] + suffix, i + 1
    taken.add(candidate.lower())
    return candidate


def render(document: Document, issued_on: dt.date) -> bytes:
    wb = Workbook()
    about = wb.active
    about.title = _("Báo cáo")
    h = document.header
    lines = [h.agency.replace("\n", " "), h.number, h.place_date, h.title, h.subject]
    for i, line in enumerate(lines, start=1):
        cell = about.cell(row=i, column=1, value=line)
        cell.font = Font(name=FONT, bold=i in (1, 4, 5))
    about.column_dimensions["A"].width = 100
    taken = {about.title.lower()}
    for table in document.tables():
        ws = wb.create_sheet(_sheet_name(table.sheet, taken))
        ws.append([c.label for c in table.columns])
        for cell in ws[1]:
            cell.font = Font(name=FONT, bold=True)
            cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
        for r, row in enumerate(table.rows, start=2):
            for c, (column, value) in enumerate(zip(table.columns, row, strict=True), start=1):
                if isinstance(value, Decimal):
                    value = int(value) if value == value.to_integral_value() else float(value)
                cell = ws.cell(row=r, column=c, value=value)
                cell.font = Font(name=FONT, bold=(r - 2) in table.bold_rows)
                if column.kind in FORMATS and isinstance(value, int | float):
                    cell.number_format = FORMATS[column.kind]
                elif column.kind != "text" and value is None:
                    cell.value = None
        for c, column in enumerate(table.columns, start=1):
            width = 40 if column.kind == "text" and column.width >= 4 else column.width * 5
            ws.column_dimensions[get_column_letter(c)].width = max(8.0, min(width, 60.0))
        ws.freeze_panes = "A2"
        if table.note:
            ws.cell(row=len(table.rows) + 3, column=1, value=table.note).font = Font(
                name=FONT, italic=True
            )
    wb.properties.creator = h.agency.replace("\n", " ")
    wb.properties.title = h.subject
    stamp = dt.datetime.combine(issued_on, dt.time())
    wb.properties.created = wb.properties.modified = stamp
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
