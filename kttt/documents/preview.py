"""A report (kttt.documents.content) laid out for a web page: the same header, sections,
tables and figures as the .docx, numbers written the Vietnamese way (values.cell_text),
figures as inline SVG when the chart gives one."""

from dataclasses import dataclass, field
from typing import Any

from django.utils.safestring import SafeString, mark_safe

from kttt.documents.content import Document, Figure, Paragraph, Section, Table
from kttt.documents.values import cell_text, is_number


@dataclass
class Cell:
    text: str
    number: bool


@dataclass
class Block:
    type: str  # "paragraph" | "table" | "figure"
    text: str = ""
    style: str = ""
    columns: list[Cell] = field(default_factory=list)
    rows: list[tuple[bool, list[Cell]]] = field(default_factory=list)
    note: str = ""
    svg: SafeString | None = None


def _table(table: Table) -> Block:
    rows = []
    for i, row in enumerate(table.rows):
        cells = [
            Cell(cell_text(value, column.kind), is_number(column.kind))
            for value, column in zip(row, table.columns, strict=False)
        ]
        rows.append((i in table.bold_rows, cells))
    return Block(
        "table",
        text=table.title,
        columns=[Cell(c.label, is_number(c.kind)) for c in table.columns],
        rows=rows,
        note=table.note,
    )


def _block(block: Paragraph | Table | Figure) -> Block:
    if isinstance(block, Table):
        return _table(block)
    if isinstance(block, Figure):
        # The SVG is drawn by our own chart code from our figures, not from user input.
        svg = mark_safe(block.svg()) if block.svg is not None else None
        return Block("figure", text=block.caption, svg=svg)
    return Block("paragraph", text=block.text, style=block.style)


def _section(section: Section) -> dict[str, Any]:
    return {
        "heading": section.heading,
        "appendix": section.appendix,
        "blocks": [_block(b) for b in section.blocks],
    }


def page_of(document: Document) -> dict[str, Any]:
    """What documents/_document.html shows."""
    h = document.header
    return {
        "header": h,
        "signer_title_lines": [line for line in h.signer_title.splitlines() if line.strip()],
        "sections": [_section(s) for s in document.sections],
    }


def section_text(document: Document, key: str) -> str:
    """The text of a section ("problems", "directions") as an author would write it: one
    paragraph per line (the prefill of sections V and VI)."""
    lines = [
        b.text
        for s in document.sections
        if s.key == key
        for b in s.blocks
        if isinstance(b, Paragraph) and b.text.strip() not in ("", "…")
    ]
    return "\n".join(lines)
