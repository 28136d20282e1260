"""What a report says, apart from how it is laid out: a header (the Nghị định 30 parts: the
agencies, number, place and date, title, recipients, signer) and sections of paragraphs,
tables and figures. The .docx, .xlsx and HTML renderers read this one structure, so the three
say the same thing; its fingerprint is what "the same report" means in the register."""

import hashlib
import json
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from typing import Any, Literal

# How a column's values are written: text as is, counts grouped (63.090), decimals with up
# to two places (46,5), percentages with their sign, money in triệu đồng, years ungrouped.
ColumnKind = Literal["text", "count", "decimal", "percent", "money", "year"]


@dataclass(frozen=True)
class Column:
    label: str
    kind: ColumnKind = "text"
    width: float = 2.5  # centimetres in the .docx; characters × 0.5 in the .xlsx


@dataclass
class Table:
    title: str
    columns: list[Column]
    rows: list[list[Any]]
    # The sheet of the .xlsx (at most 31 characters, unique in a workbook).
    sheet: str
    # Rows drawn in bold (totals), by index.
    bold_rows: frozenset[int] = frozenset()
    note: str = ""
    landscape: bool = False  # a wide appendix table gets a landscape page


@dataclass
class Paragraph:
    text: str
    style: Literal["body", "bullet", "heading", "note", "label"] = "body"


@dataclass
class Figure:
    caption: str
    # Drawn on demand (PNG bytes for a width in centimetres): the HTML preview and the
    # .xlsx don't pay for it.
    draw: Callable[[float], bytes] = field(compare=False, repr=False)
    svg: Callable[[], str] | None = field(default=None, compare=False, repr=False)
    # What the figure shows, as data: part of the fingerprint.
    data: dict[str, Any] = field(default_factory=dict)


Block = Paragraph | Table | Figure


@dataclass
class Section:
    heading: str
    blocks: list[Block] = field(default_factory=list)
    # Sub-headings are paragraphs of style "heading"; a section of the appendix starts on a
    # new page.
    appendix: bool = False
    # What the section is, for who looks for one ("problems", "directions": the author's).
    key: str = ""


@dataclass
class Header:
    """The parts of Nghị định 30/2020/NĐ-CP around the text (Phụ lục I, mẫu 1.1)."""

    superior: str  # cơ quan chủ quản ("UBND TỈNH LAI CHÂU"), may be blank
    agency: str  # cơ quan ban hành ("UBND HUYỆN PHONG THỔ")
    number: str  # "Số: …/BC-UBND"
    place_date: str  # "Phong Thổ, ngày 05 tháng 01 năm 2026"
    title: str  # "BÁO CÁO"
    subject: str  # trích yếu: "Kết quả thực hiện Đề án … năm 2025"
    recipients: list[str]  # "Nơi nhận:" entries, the last "- Lưu: VT, …"
    signer_authority: str  # "TM. ỦY BAN NHÂN DÂN" (may be blank)
    signer_title: str  # "KT. CHỦ TỊCH\nPHÓ CHỦ TỊCH"
    signer_name: str


@dataclass
class Document:
    header: Header
    sections: list[Section]
    # A short name for files: "bao-cao-nam-2025-109".
    slug: str
    # What the report was built from: kind, year, area, plan (for the register).
    inputs: dict[str, Any] = field(default_factory=dict)

    def tables(self) -> list[Table]:
        return [b for s in self.sections for b in s.blocks if isinstance(b, Table)]

    def fingerprint(self) -> str:
        """A digest of everything the report says (header, text, tables, what each figure
        shows; not the pictures' bytes): equal fingerprints, the same report."""

        def default(value: Any) -> Any:
            if isinstance(value, Decimal):
                return str(value)
            if isinstance(value, frozenset):
                return sorted(value)
            raise TypeError(type(value))

        data = {
            "header": asdict(self.header),
            "sections": [
                {"heading": s.heading, "blocks": [_block(b) for b in s.blocks]}
                for s in self.sections
            ],
        }
        text = json.dumps(data, sort_keys=True, ensure_ascii=False, default=default)
        return hashlib.sha256(text.encode()).hexdigest()


def _block(block: Block) -> dict[str, Any]:
    if isinstance(block, Figure):
        return {"figure": block.caption, "data": block.data}
    return {type(block).__name__: asdict(block)}
