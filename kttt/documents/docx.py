"""A report as a .docx in the form of Nghị định 30/2020/NĐ-CP (Phụ lục I): A4; margins top
and bottom 20 mm, left 30 mm, right 15 mm; Times New Roman 14 pt body; the header table
(issuing agency on the left, the national motto on the right), the number, place and date in
italics, the title in bold capitals, page numbers centred at the top from page 2, "Nơi nhận:"
and the signature block. A wide appendix gets a landscape page with the same margins.

The file is the same byte for byte when built again from the same content: the package's
dates are the report's date and the zip entries carry a fixed time."""

import datetime as dt
import io
import zipfile
from xml.sax.saxutils import escape

from docx import Document as new_docx
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Cm, Pt
from docx.table import Table as DocxTable
from docx.text.paragraph import Paragraph as DocxParagraph

from kttt.documents.content import Document, Figure, Paragraph, Section, Table
from kttt.documents.values import cell_text, is_number

FONT = "Times New Roman"
BODY_PT = 14
TABLE_PT = 12
APPENDIX_PT = 10
PAGE_W, PAGE_H = Cm(21.0), Cm(29.7)
MARGINS = {"top": Cm(2.0), "bottom": Cm(2.0), "left": Cm(3.0), "right": Cm(1.5)}
TEXT_WIDTH_CM = 21.0 - 3.0 - 1.5
# Rows per piece of a long table (see _table).
CHUNK = 100


def _font(run_or_style: object, size: float | None = None, **flags: bool) -> None:
    font = run_or_style.font  # type: ignore[attr-defined]
    font.name = FONT
    if size is not None:
        font.size = Pt(size)
    for flag, value in flags.items():
        setattr(font, flag, value)
    # The east-Asian and complex-script slots too, so no viewer substitutes another font.
    element = getattr(run_or_style, "element", None)
    if element is None:
        element = run_or_style._element  # type: ignore[attr-defined]
    rpr = element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for slot in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(slot), FONT)


def _para(
    container: object,
    text: str = "",
    *,
    size: float = BODY_PT,
    bold: bool = False,
    italic: bool = False,
    align: WD_ALIGN_PARAGRAPH | None = None,
    indent: bool = False,
    before: float = 0,
    after: float = 0,
) -> DocxParagraph:
    p: DocxParagraph = container.add_paragraph()  # type: ignore[attr-defined]
    fmt = p.paragraph_format
    fmt.space_before = Pt(before)
    fmt.space_after = Pt(after)
    fmt.first_line_indent = Cm(1.0) if indent else Cm(0)
    if align is not None:
        p.alignment = align
    lines = text.split("\n")
    for i, line in enumerate(lines):
        run = p.add_run(line)
        _font(run, size, bold=bold, italic=italic)
        if i < len(lines) - 1:
            run.add_break(WD_BREAK.LINE)
    return p


def _cell_para(cell: object, text: str, **kwargs: object) -> DocxParagraph:
    """Write into a table cell: its first (empty) paragraph, then new ones."""
    paragraphs = cell.paragraphs  # type: ignore[attr-defined]
    if len(paragraphs) == 1 and not paragraphs[0].text:
        paragraphs[0]._element.getparent().remove(paragraphs[0]._element)
    return _para(cell, text, **kwargs)  # type: ignore[arg-type]


def _no_borders(table: DocxTable) -> None:
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:val"), "nil")
        borders.append(element)
    table._tbl.tblPr.append(borders)


def _widths(table: DocxTable, widths_cm: list[float]) -> None:
    table.autofit = False
    # Both the grid (LibreOffice reads it) and each cell (Word reads these).
    for column, width in zip(table.columns, widths_cm, strict=False):
        column.width = Cm(width)
    for row in table.rows:
        for cell, width in zip(row.cells, widths_cm, strict=False):
            cell.width = Cm(width)


def _page_number_header(section: object) -> None:
    """Page numbers centred at the top, from page 2 (the first page's header is empty)."""
    section.different_first_page_header_footer = True  # type: ignore[attr-defined]
    p = section.header.paragraphs[0]  # type: ignore[attr-defined]
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = p.add_run()
    _font(run, 13)
    for tag, text in (("begin", None), (None, "PAGE"), ("end", None)):
        if tag:
            field = OxmlElement("w:fldChar")
            field.set(qn("w:fldCharType"), tag)
            run._r.append(field)
        else:
            instr = OxmlElement("w:instrText")
            instr.set(qn("xml:space"), "preserve")
            instr.text = text
            run._r.append(instr)


def _page(section: object, landscape: bool = False) -> None:
    s = section
    s.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT  # type: ignore[attr-defined]
    s.page_width, s.page_height = (PAGE_H, PAGE_W) if landscape else (PAGE_W, PAGE_H)  # type: ignore[attr-defined]
    s.top_margin, s.bottom_margin = MARGINS["top"], MARGINS["bottom"]  # type: ignore[attr-defined]
    s.left_margin, s.right_margin = MARGINS["left"], MARGINS["right"]  # type: ignore[attr-defined]
    s.header_distance = Cm(1.0)  # type: ignore[attr-defined]


def _header_block(doc: object, document: Document) -> None:
    h = document.header
    table = doc.add_table(rows=1, cols=2)  # type: ignore[attr-defined]
    _no_borders(table)
    _widths(table, [6.3, 10.2])
    left, right = table.rows[0].cells
    center = WD_ALIGN_PARAGRAPH.CENTER
    if h.superior:
        _cell_para(left, h.superior.upper(), size=13, align=center)
    _cell_para(left, h.agency.upper(), size=13, bold=True, align=center)
    _cell_para(left, "———", size=9, align=center)
    _cell_para(left, h.number, size=13, align=center, before=4)
    _cell_para(right, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", size=13, bold=True, align=center)
    _cell_para(right, "Độc lập - Tự do - Hạnh phúc", size=14, bold=True, align=center)
    _cell_para(right, "———————", size=9, align=center)
    _cell_para(right, h.place_date, size=14, italic=True, align=center, before=4)
    _para(doc, h.title.upper(), bold=True, align=center, before=18)
    _para(doc, h.subject, bold=True, align=center)
    _para(doc, "———", size=9, align=center, after=6)


# Characters XML 1.0 cannot hold (a pasted name may carry one): dropped from table cells.
_CONTROL = dict.fromkeys(c for c in range(32) if c not in (9, 10, 13))


def _run_xml(text: str, size: float, bold: bool) -> str:
    text = text.translate(_CONTROL)
    fonts = f'<w:rFonts w:ascii="{FONT}" w:hAnsi="{FONT}" w:cs="{FONT}" w:eastAsia="{FONT}"/>'
    half_points = int(size * 2)
    props = fonts + ("<w:b/>" if bold else "") + f'<w:sz w:val="{half_points}"/>'
    props += f'<w:szCs w:val="{half_points}"/>'
    return f'<w:r><w:rPr>{props}</w:rPr><w:t xml:space="preserve">{escape(text)}</w:t></w:r>'


def _row_xml(
    texts: list[str], widths: list[int], aligns: list[str], size: float, bold: bool, head: bool
) -> str:
    cells = []
    for text, width, align in zip(texts, widths, aligns, strict=True):
        runs = _run_xml(text, size, bold) if text else ""
        cells.append(
            f'<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/></w:tcPr>'
            f'<w:p><w:pPr><w:spacing w:before="0" w:after="0"/><w:ind w:firstLine="0"/>'
            f'<w:jc w:val="{align}"/></w:pPr>{runs}</w:p></w:tc>'
        )
    props = '<w:trPr><w:tblHeader w:val="true"/><w:cantSplit/></w:trPr>' if head else ""
    return f"<w:tr>{props}{''.join(cells)}</w:tr>"


def _table(doc: object, table: Table, appendix: bool = False) -> None:
    """A bordered table whose header row repeats on every page. Rows are written as XML in
    one pass: python-docx's cell-by-cell API takes minutes for a 2.000-row appendix."""
    size = APPENDIX_PT if appendix else TABLE_PT
    _para(doc, table.title, size=size + 1, bold=True, italic=True, before=6, after=3)
    widths = [int(Cm(c.width).twips) for c in table.columns]
    header = _row_xml(
        [c.label for c in table.columns], widths, ["center"] * len(widths), size, True, True
    )
    aligns = ["right" if is_number(c.kind) else "left" for c in table.columns]
    rows = []
    for i, row in enumerate(table.rows):
        texts = [cell_text(v, c.kind) for c, v in zip(table.columns, row, strict=True)]
        rows.append(_row_xml(texts, widths, aligns, size, i in table.bold_rows, False))
    # A long table is written as consecutive pieces of CHUNK rows, each with the header row,
    # joined by a hairline paragraph: it reads as one table, and LibreOffice lays out a
    # 2.000-row appendix in a quarter of the time it takes for one table.
    for start in range(0, max(len(rows), 1), CHUNK):
        if start:
            _para(doc, "", size=1)
        t = doc.add_table(rows=0, cols=len(table.columns))  # type: ignore[attr-defined]
        t.style = "Table Grid"
        t.alignment = WD_TABLE_ALIGNMENT.CENTER
        t.autofit = False
        for column, spec in zip(t.columns, table.columns, strict=True):
            column.width = Cm(spec.width)
        piece = "".join([header, *rows[start : start + CHUNK]])
        for tr in list(parse_xml(f"<w:tbl {nsdecls('w')}>{piece}</w:tbl>")):
            t._tbl.append(tr)
    if table.note:
        _para(doc, table.note, size=size, italic=True, before=3)


def _figure(doc: object, figure: Figure) -> None:
    p = _para(doc, "", align=WD_ALIGN_PARAGRAPH.CENTER, before=6)
    width = min(15.0, TEXT_WIDTH_CM)
    p.add_run().add_picture(io.BytesIO(figure.draw(width)), width=Cm(width))
    _para(doc, figure.caption, size=12, italic=True, align=WD_ALIGN_PARAGRAPH.CENTER, after=6)


def _blocks(doc: object, section: Section) -> None:
    for block in section.blocks:
        if isinstance(block, Table):
            _table(doc, block, appendix=section.appendix)
        elif isinstance(block, Figure):
            _figure(doc, block)
        elif isinstance(block, Paragraph):
            justify = WD_ALIGN_PARAGRAPH.JUSTIFY
            if block.style == "heading":
                _para(doc, block.text, bold=True, before=6, indent=True)
            elif block.style == "bullet":
                text = block.text if block.text.startswith("-") else f"- {block.text}"
                _para(doc, text, align=justify, before=3, indent=True)
            elif block.style == "note":
                _para(doc, block.text, italic=True, align=justify, before=3, indent=True)
            else:
                _para(doc, block.text, align=justify, before=6, indent=True)


def _signature(doc: object, document: Document) -> None:
    h = document.header
    table = doc.add_table(rows=1, cols=2)  # type: ignore[attr-defined]
    _no_borders(table)
    _widths(table, [8.0, 8.5])
    left, right = table.rows[0].cells
    _cell_para(left, "Nơi nhận:", size=12, bold=True, italic=True, before=12)
    for line in h.recipients:
        _cell_para(left, line, size=11)
    center = WD_ALIGN_PARAGRAPH.CENTER
    top = [line for line in (h.signer_authority, h.signer_title) if line]
    _cell_para(right, "\n".join(top).upper(), size=14, bold=True, align=center, before=12)
    _cell_para(right, "\n\n\n", size=14, align=center)
    _cell_para(right, h.signer_name, size=14, bold=True, align=center)


def _deterministic(data: bytes, when: dt.date) -> bytes:
    """The same zip with every entry dated `when`, in the same order."""
    stamp = (max(when.year, 1980), when.month, when.day, 0, 0, 0)
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=stamp)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            target.writestr(entry, source.read(info.filename))
    return out.getvalue()


def render(document: Document, issued_on: dt.date) -> bytes:
    doc = new_docx()
    normal = doc.styles["Normal"]
    _font(normal, BODY_PT)
    normal.paragraph_format.space_after = Pt(0)
    normal.paragraph_format.line_spacing = 1.1
    _page(doc.sections[0])
    _page_number_header(doc.sections[0])
    _header_block(doc, document)
    body = [s for s in document.sections if not s.appendix]
    appendices = [s for s in document.sections if s.appendix]
    for section in body:
        if section.heading:  # the preamble (legal bases, opening sentence) has none
            _para(doc, section.heading, bold=True, before=12, after=3, indent=True)
        _blocks(doc, section)
    _signature(doc, document)
    for section in appendices:
        landscape = any(isinstance(b, Table) and b.landscape for b in section.blocks)
        new = doc.add_section(WD_SECTION.NEW_PAGE)
        _page(new, landscape)
        new.different_first_page_header_footer = False
        _para(doc, section.heading, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, after=6)
        _blocks(doc, section)
    props = doc.core_properties
    props.title = document.header.subject
    props.author = document.header.agency.replace("\n", " ")
    props.last_modified_by = props.author
    props.created = props.modified = dt.datetime.combine(issued_on, dt.time())
    props.revision = 1
    out = io.BytesIO()
    doc.save(out)
    return _deterministic(out.getvalue(), issued_on)
