"""Opening an uploaded workbook safely and reading its sheets as (row number, values).

Everything that can go wrong with the file itself (not a workbook, too large, a zip bomb,
formulas, headers that are not the template's) becomes a Problem, never an exception.
"""

import functools
import logging
import re
import zipfile
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any
from xml.etree import ElementTree

from django.conf import settings
from django.utils.translation import gettext as _
from python_calamine import CalamineWorkbook

from kttt.lib.numbers import format_number
from kttt.registry.excel.template import SHEET_ENTITIES, SHEETS, Column, column_letter, header_key

logger = logging.getLogger(__name__)

_MAIN_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL_NS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_PKG_REL_NS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
# A formula element in a worksheet: <f>, <f t="shared" .../>, or with a namespace prefix.
# <formula> (data validation, conditional formats) does not match.
_FORMULA = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?f[\s>/]")
_CELL_REF = re.compile(r"^([A-Z]{1,3})(\d+)$")
_ANY_CELL_REF = re.compile(r"^\$?([A-Za-z]{1,4})\$?0*(\d{1,12})$")
_TEMPLATE_KEYS = {header_key(name): name for name in SHEETS}
_CHUNK = 1024 * 1024
# A cell as Excel, LibreOffice and openpyxl write it: the reference first, then well-formed
# attributes (values may hold '>'), none of them a second r (calamine would take that one).
_CELL_FIRST_REF = re.compile(rb'<c r="([A-Z]{1,3})([1-9][0-9]{0,8})"')
_CELL_TAG = re.compile(
    rb'<c r="[A-Z]{1,3}[1-9][0-9]{0,8}"'
    rb"(?:\s+(?!r[\s=])[A-Za-z_:][\w:.-]*\s*=\s*(?:\"[^\"]*\"|'[^']*'))*\s*/?>"
)
_NOT_CELL = re.compile(rb"<c(?![\s>/])")
_PREFIXED_CELL = re.compile(rb":c[\s>/]")


@dataclass(frozen=True)
class Problem:
    """One reason the import cannot go ahead, located as precisely as possible."""

    message: str
    sheet: str = ""
    row: int | None = None
    column: str = ""  # the template header
    letter: str = ""  # the Excel column letter

    @property
    def where(self) -> str:
        parts = []
        if self.sheet:
            parts.append(_("trang %(sheet)s") % {"sheet": self.sheet})
        if self.row is not None:
            parts.append(_("dòng %(row)s") % {"row": self.row})
        if self.letter and self.column:
            parts.append(
                _("cột %(letter)s (%(column)s)") % {"letter": self.letter, "column": self.column}
            )
        elif self.letter or self.column:
            parts.append(_("cột %(column)s") % {"column": self.letter or self.column})
        return ", ".join(parts)

    def __str__(self) -> str:
        where = self.where
        return f"{where}: {self.message}" if where else self.message


class Problems(list[Problem]):
    """The problems of one import, every one counted, in all and by sheet and column; the
    first `limit` kept in order (None: all). A file of 300.000 bad rows would otherwise make
    millions of messages (a 133 MB page); what a person can act on is the first ones and
    where the rest are. The web page keeps `SHOWN`; the command line, whose contract
    (DOMAIN.md §6) is to print every error, keeps all."""

    SHOWN = 200

    def __init__(self, items: Iterable[Problem] = (), *, limit: int | None = SHOWN) -> None:
        super().__init__()
        self.limit = limit
        self.total = 0
        self.by_place: Counter[tuple[str, str]] = Counter()
        self.extend(items)

    def _count(self, problem: Problem) -> None:
        self.total += 1
        self.by_place[(problem.sheet, problem.column)] += 1

    def append(self, problem: Problem) -> None:
        self._count(problem)
        if self.limit is None or len(self) < self.limit:
            super().append(problem)

    def insert(self, index: Any, problem: Problem) -> None:
        self._count(problem)
        super().insert(index, problem)
        if self.limit is not None and len(self) > self.limit:
            super().pop()

    def extend(self, problems: Iterable[Problem]) -> None:
        for problem in problems:
            self.append(problem)

    def __iadd__(self, problems: Iterable[Problem]) -> "Problems":  # type: ignore[override,misc]
        self.extend(problems)
        return self

    @property
    def hidden(self) -> int:
        """How many were counted but not kept."""
        return self.total - len(self)

    def places(self) -> list[tuple[str, str, int]]:
        """(sheet, column, count) of every problem, in the order of the sheets and columns."""
        sheets = list(SHEETS)
        order = {
            (name, c.header): (sheets.index(name), i)
            for name, columns in SHEETS.items()
            for i, c in enumerate(columns)
        }

        def key(item: tuple[tuple[str, str], int]) -> tuple[int, int]:
            (sheet, column), _n = item
            if (sheet, column) in order:
                return order[(sheet, column)]
            return (sheets.index(sheet) if sheet in sheets else -1, -1)

        return [(s, c, n) for (s, c), n in sorted(self.by_place.items(), key=key)]


class BadFile(Exception):
    """The file cannot be read as a template workbook; carries the problems."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(problems)
        self.problems = problems


def ods_message() -> str:
    return _(
        "Tệp là bảng tính OpenDocument (.ods, LibreOffice Calc), chưa nhận được. Trong "
        "LibreOffice: Tệp › Lưu thành (File › Save As), ở ô Kiểu tệp chọn “Excel 2007-365 "
        "(.xlsx)”, bấm Lưu rồi “Dùng định dạng Excel 2007-365!”, sau đó tải tệp .xlsx lên."
    )


def _megabytes(size: int) -> str:
    return format_number(size / (1024 * 1024), 1)


def check_file(path: Path) -> dict[str, str]:
    """Refuse files that are not .xlsx, too large, or that would inflate beyond the limit.

    Only the zip directory is read here, before any parser sees the file. Returns each
    worksheet's part name in the zip by sheet name (for the formula scan).
    """
    size = path.stat().st_size
    if size > settings.KTTT_IMPORT_MAX_BYTES:
        raise BadFile(
            [
                Problem(
                    _("Tệp quá lớn (%(size)s MB); tối đa %(max)s MB.")
                    % {"size": _megabytes(size), "max": _megabytes(settings.KTTT_IMPORT_MAX_BYTES)}
                )
            ]
        )
    not_xlsx = Problem(
        _(
            "Tệp không phải là bảng tính Excel .xlsx (hãy lưu lại bằng Excel "
            "theo định dạng “Excel Workbook (*.xlsx)”)."
        )
    )
    if not zipfile.is_zipfile(path):
        raise BadFile([not_xlsx])
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
            inflated = sum(info.file_size for info in infos)
            if inflated > settings.KTTT_IMPORT_MAX_UNCOMPRESSED_BYTES:
                raise BadFile(
                    [
                        Problem(
                            _(
                                "Tệp giải nén ra quá lớn (%(size)s MB; tối đa %(max)s MB): "
                                "có thể là tệp độc hại hoặc bị hỏng."
                            )
                            % {
                                "size": _megabytes(inflated),
                                "max": _megabytes(settings.KTTT_IMPORT_MAX_UNCOMPRESSED_BYTES),
                            }
                        )
                    ]
                )
            names = {info.filename for info in infos}
            if "xl/workbook.xml" not in names:
                if "mimetype" in names and b"opendocument" in archive.read("mimetype")[:100]:
                    raise BadFile([Problem(ods_message())])
                raise BadFile([not_xlsx])
            parts = _sheet_parts(archive, names)
            for name, part in parts.items():
                if header_key(name) in _TEMPLATE_KEYS:
                    _check_extent(archive, part, _TEMPLATE_KEYS[header_key(name)])
            return parts
    except BadFile:
        raise
    except Exception:  # a damaged zip can fail in many ways; none may reach the user raw
        logger.info("unreadable workbook %s", path, exc_info=True)
        raise BadFile([not_xlsx]) from None


def _column_number(letters: str | bytes) -> int:
    """A -> 1, Z -> 26, AA -> 27, XFD -> 16384."""
    number = 0
    for letter in letters.upper():
        number = number * 26 + (letter if isinstance(letter, int) else ord(letter)) - 64
    return number


class _Limits:
    """The extent limits, read once per check; refusing is raising BadFile."""

    def __init__(self, sheet: str) -> None:
        self.sheet = sheet
        self.rows = settings.KTTT_IMPORT_MAX_ROWS
        self.columns = settings.KTTT_IMPORT_MAX_COLUMNS
        self.cells = settings.KTTT_IMPORT_MAX_CELLS
        self.bytes = settings.KTTT_IMPORT_MAX_UNCOMPRESSED_BYTES

    def check(self, row: int, column: int) -> None:
        if row > self.rows or column > self.columns:
            raise BadFile([_too_far(self.sheet, row, column)])

    def check_count(self, cells: int) -> None:
        if cells > self.cells:
            raise BadFile([_too_many(self.sheet)])


class _Inexact(Exception):
    """The quick scan met a cell it cannot place for sure: read the sheet as XML instead."""


def _chunks(archive: zipfile.ZipFile, part: str, limits: _Limits) -> Iterator[bytes]:
    """The part's bytes in pieces that end just before a '<' (so no tag is cut in two),
    never more than the inflation limit, refusing a DTD as _parse_xml does."""
    read = 0
    carry = b""
    with archive.open(part) as stream:
        while chunk := stream.read(_CHUNK):
            read += len(chunk)
            if read > limits.bytes:
                raise BadFile(
                    [Problem(_("Tệp giải nén ra quá lớn: có thể là tệp độc hại hoặc bị hỏng."))]
                )
            data = carry + chunk
            if b"<!DOCTYPE" in data or b"<!ENTITY" in data:
                raise BadFile([Problem(_("Tệp chứa nội dung không hợp lệ với bảng tính .xlsx."))])
            cut = data.rfind(b"<")
            if cut <= 0:
                carry = data
                continue
            yield data[:cut]
            carry = data[cut:]
    if carry:
        yield carry


def _check_extent(archive: zipfile.ZipFile, part: str, sheet: str) -> None:
    """Refuse a sheet whose cells reach beyond the row, column or cell limits.

    calamine sizes a sheet's grid from the extent of its cells, so one cell at XFD1048576
    would make it allocate hundreds of GB. The sheet's XML is streamed (never held whole)
    and every cell's reference read, stopping at the first piece with one past a limit.
    The declared <dimension> is not looked at: only real cells count.

    Excel, LibreOffice and openpyxl write every cell as `<c r="B7" ...>`; those are read
    with a regular expression (about 1 s for 75 MB of XML). A sheet with any other kind
    of cell (no reference, a namespace prefix, attributes before the reference) is read
    again with an XML parser, which places every cell as calamine does.
    """
    limits = _Limits(sheet)
    try:
        _quick_extent(archive, part, limits)
    except _Inexact:
        _exact_extent(archive, part, limits)


def _greater(limit: str, first: str, other: str, longest: int) -> str:
    """A pattern for the strings above `limit` in value, whose first character is in the
    range `first` ("19" for numbers) and the others in `other` ("09"), at most `longest`
    long: longer ones, or as long and greater from some place on."""
    options = []
    if len(limit) < longest:
        options.append(
            f"[{first[0]}-{first[1]}][{other[0]}-{other[1]}]{{{len(limit)},{longest - 1}}}"
        )
    for place, char in enumerate(limit):
        high = (first if place == 0 else other)[1]
        if char < high:
            rest = len(limit) - place - 1
            options.append(
                f"{limit[:place]}[{chr(ord(char) + 1)}-{high}][{other[0]}-{other[1]}]{{{rest}}}"
            )
    return "|".join(options) or "(?!)"


@functools.cache
def _beyond(max_rows: int, max_columns: int) -> re.Pattern[bytes]:
    """A quick cell (see _CELL_TAG) whose column or row passes the limits."""
    columns = _greater(column_letter(max(max_columns, 1) - 1), "AZ", "AZ", 3)
    rows = _greater(str(max(max_rows, 1)), "19", "09", 9)
    return re.compile(f'<c r="(?:(?:{columns})[1-9]|[A-Z]{{1,3}}(?:{rows})")'.encode())


def _quick_extent(archive: zipfile.ZipFile, part: str, limits: _Limits) -> None:
    beyond = _beyond(limits.rows, limits.columns)
    cells = 0
    for data in _chunks(archive, part, limits):
        if _PREFIXED_CELL.search(data):
            raise _Inexact
        # Every cell tag starts with "<c"; so do <col>, <cfRule>..., counted out. A tag
        # counted here that is not a quick cell sends the sheet to the XML parser.
        tags = data.count(b"<c") - len(_NOT_CELL.findall(data))
        if len(_CELL_TAG.findall(data)) != tags:
            raise _Inexact
        cells += tags
        limits.check_count(cells)
        if found := beyond.search(data):
            ref = _CELL_FIRST_REF.match(data, found.start())
            assert ref is not None  # beyond only matches quick references
            limits.check(int(ref.group(2)), _column_number(ref.group(1).decode()))


def _exact_extent(archive: zipfile.ZipFile, part: str, limits: _Limits) -> None:
    row_tag, cell_tag, data_tag = f"{_MAIN_NS}row", f"{_MAIN_NS}c", f"{_MAIN_NS}sheetData"
    parser: ElementTree.XMLPullParser[ElementTree.Element] = ElementTree.XMLPullParser(
        events=("start", "end")
    )
    sheet_data: ElementTree.Element | None = None
    row = column = cells = 0
    for data in _chunks(archive, part, limits):
        parser.feed(data)
        try:
            events = list(parser.read_events())
        except ElementTree.ParseError:
            # Damaged XML: calamine cannot read past this point either.
            raise BadFile([Problem(_("Không đọc được trang này."), sheet=limits.sheet)]) from None
        for item in events:
            event, element = item  # type: ignore[misc]  # typeshed: a 1-tuple is possible
            if not isinstance(element, ElementTree.Element):
                continue  # namespace events carry tuples; none are asked for
            if event == "end":
                if element.tag == row_tag:
                    # Nothing of a finished row is needed any more: keep memory flat.
                    (sheet_data if sheet_data is not None else element).clear()
                continue
            if element.tag == cell_tag:
                cells += 1
                match = _ANY_CELL_REF.match(element.get("r", ""))
                if match:
                    row, column = int(match.group(2)), _column_number(match.group(1))
                else:  # no reference: the next cell of the row, as calamine places it
                    column += 1
                limits.check(row, column)
                limits.check_count(cells)
            elif element.tag == row_tag:
                number = element.get("r", "")
                row = int(number) if number.isascii() and number.isdigit() else row + 1
                column = 0  # judged at its cells: an empty row allocates nothing
            elif element.tag == data_tag:
                sheet_data = element


def _too_far(sheet: str, row: int, column: int) -> Problem:
    return Problem(
        _(
            "có ô ở dòng %(row)s, cột %(column)s (%(letter)s): vượt giới hạn %(max_rows)s "
            "dòng và %(max_columns)s cột mỗi trang. Hãy xóa các ô thừa ở cuối trang rồi "
            "lưu lại."
        )
        % {
            "row": format_number(row),
            "column": format_number(column),
            "letter": column_letter(column - 1),
            "max_rows": format_number(settings.KTTT_IMPORT_MAX_ROWS),
            "max_columns": format_number(settings.KTTT_IMPORT_MAX_COLUMNS),
        },
        sheet=sheet,
    )


def _too_many(sheet: str) -> Problem:
    return Problem(
        _(
            "có hơn %(max)s ô: vượt giới hạn số ô mỗi trang. Hãy xóa các ô thừa hoặc chia "
            "số liệu ra nhiều tệp."
        )
        % {"max": format_number(settings.KTTT_IMPORT_MAX_CELLS)},
        sheet=sheet,
    )


def _read_part(archive: zipfile.ZipFile, name: str) -> bytes:
    """A part's bytes, never more than the inflation limit (the directory may lie)."""
    limit = settings.KTTT_IMPORT_MAX_UNCOMPRESSED_BYTES
    with archive.open(name) as part:
        data = part.read(limit + 1)
    if len(data) > limit:
        raise BadFile([Problem(_("Tệp giải nén ra quá lớn: có thể là tệp độc hại hoặc bị hỏng."))])
    return data


def _parse_xml(data: bytes) -> ElementTree.Element:
    """Office parts never declare a DTD; refusing one rules out entity-expansion attacks
    without another dependency."""
    if b"<!DOCTYPE" in data or b"<!ENTITY" in data:
        raise BadFile([Problem(_("Tệp chứa nội dung không hợp lệ với bảng tính .xlsx."))])
    return ElementTree.fromstring(data)  # noqa: S314 - no DTD, so no entity expansion


def _sheet_parts(archive: zipfile.ZipFile, names: set[str]) -> dict[str, str]:
    workbook = _parse_xml(_read_part(archive, "xl/workbook.xml"))
    rels_name = "xl/_rels/workbook.xml.rels"
    targets: dict[str, str] = {}
    if rels_name in names:
        for rel in _parse_xml(_read_part(archive, rels_name)).iter(f"{_PKG_REL_NS}Relationship"):
            target = rel.get("Target", "")
            if target.startswith("/"):
                part = target.lstrip("/")
            else:
                part = str(PurePosixPath("xl") / target)
            targets[rel.get("Id", "")] = part
    parts = {}
    for sheet in workbook.iter(f"{_MAIN_NS}sheet"):
        part = targets.get(sheet.get(f"{_REL_NS}id", ""), "")
        if part in names:
            parts[sheet.get("name", "")] = part
    return parts


def formula_cells(path: Path, part: str) -> list[tuple[int, str]]:
    """(row, column letter) of every cell holding a formula in one worksheet part."""
    with zipfile.ZipFile(path) as archive:
        data = _read_part(archive, part)
    if not _FORMULA.search(data):
        return []
    found = []
    for element in _parse_xml(data).iter(f"{_MAIN_NS}c"):
        if element.find(f"{_MAIN_NS}f") is not None:
            match = _CELL_REF.match(element.get("r", ""))
            if match:
                found.append((int(match.group(2)), match.group(1)))
    return found


@dataclass
class Sheet:
    """One template sheet found in the workbook, with its header mapped to columns.

    Rows are read from calamine's in-memory sheet on demand, so that a large file is
    never held twice as Python objects."""

    name: str  # the template's name for it
    columns: dict[int, Column]  # position -> column
    letters: dict[str, str]  # column key -> Excel letter
    data: Any = field(repr=False)

    def rows(self, problems: list[Problem]) -> Iterator[tuple[int, dict[str, Any]]]:
        """(Excel row number, {column key: raw value}) for each non-blank data row."""
        return _data_rows(self.name, self._cells(), self.columns, problems)

    def codes(self) -> Iterator[Any]:
        """The raw `Mã số HTX` of every data row (a quick first pass)."""
        index = next(i for i, c in self.columns.items() if c.key == "code")
        for _number, cells in self._cells():
            if index < len(cells):
                yield cells[index]

    def _cells(self) -> Iterator[tuple[int, list[Any]]]:
        rows = _absolute_rows(self.data)
        next(rows, None)  # the header
        return rows


def open_workbook(
    path: Path, limit: int | None = Problems.SHOWN
) -> tuple[dict[str, Sheet], Problems]:
    """The template sheets present in the workbook (by template name) and the problems
    found in the file and the headers (the first `limit` kept, every one counted). Raises
    BadFile when nothing can be read."""
    parts = check_file(path)
    try:
        workbook = CalamineWorkbook.from_path(str(path))
        present = {header_key(name): name for name in workbook.sheet_names}
    except Exception:  # calamine raises several error types for damaged files
        logger.info("calamine cannot open %s", path, exc_info=True)
        raise BadFile(
            [Problem(_("Không đọc được tệp: tệp bị hỏng hoặc không phải .xlsx."))]
        ) from None
    problems = Problems(limit=limit)
    sheets: dict[str, Sheet] = {}
    for template_name, columns in SHEETS.items():
        actual = present.get(header_key(template_name))
        if actual is None:
            continue
        try:
            data = workbook.get_sheet_by_name(actual)
            if not data.height and template_name != SHEET_ENTITIES:
                continue  # an empty optional sheet is the same as no sheet
            rows = _absolute_rows(data)
            header_row = next(rows, (1, []))
        except Exception:
            logger.info("calamine cannot read sheet %s of %s", actual, path, exc_info=True)
            problems.append(Problem(_("Không đọc được trang này."), sheet=template_name))
            continue
        header, header_problems = _map_header(template_name, header_row, columns)
        problems += header_problems
        try:
            formulas = formula_cells(path, parts[actual]) if actual in parts else []
        except ElementTree.ParseError:
            problems.append(Problem(_("Không đọc được trang này."), sheet=template_name))
            continue
        for row, letter in formulas:
            column = next((c.header for i, c in header.items() if column_letter(i) == letter), "")
            problems.append(
                Problem(
                    _("ô chứa công thức; hãy thay bằng giá trị (Sao chép, Dán giá trị)"),
                    sheet=template_name,
                    row=row,
                    column=column,
                    letter=letter,
                )
            )
        if header_problems:
            continue
        letters = {c.key: column_letter(i) for i, c in header.items()}
        sheets[template_name] = Sheet(template_name, header, letters, data)
    return sheets, problems


def _absolute_rows(data: Any) -> Iterator[tuple[int, list[Any]]]:
    """Rows numbered as Excel numbers them, each padded so that index 0 is column A
    (calamine starts at the first non-empty cell)."""
    first_row, first_col = (data.start or (0, 0)) if data.height else (0, 0)
    pad = [None] * first_col
    if first_row > 0:
        yield 1, []  # the header row is empty
    for offset, values in enumerate(data.iter_rows()):
        yield first_row + offset + 1, pad + values


def _map_header(
    sheet: str, header_row: tuple[int, list[Any]], columns: tuple[Column, ...]
) -> tuple[dict[int, Column], list[Problem]]:
    number, cells = header_row
    by_key = {header_key(c.header): c for c in columns}
    mapped: dict[int, Column] = {}
    problems = []
    if number != 1 or not any(_filled(v) for v in cells):
        return {}, [
            Problem(_("dòng 1 phải là dòng tiêu đề của mẫu nhưng đang trống"), sheet=sheet, row=1)
        ]
    for index, value in enumerate(cells):
        if not _filled(value):
            continue
        column = by_key.get(header_key(value))
        letter = column_letter(index)
        if column is None:
            problems.append(
                Problem(
                    _("cột “%(header)s” không có trong mẫu") % {"header": str(value).strip()},
                    sheet=sheet,
                    row=1,
                    letter=letter,
                )
            )
        elif column in mapped.values():
            problems.append(
                Problem(
                    _("cột “%(header)s” có hai lần") % {"header": column.header},
                    sheet=sheet,
                    row=1,
                    column=column.header,
                    letter=letter,
                )
            )
        else:
            mapped[index] = column
    for column in columns:
        if column.required and column not in mapped.values():
            problems.append(
                Problem(
                    _("thiếu cột “%(header)s”") % {"header": column.header},
                    sheet=sheet,
                    row=1,
                    column=column.header,
                )
            )
    return mapped, problems


def _filled(value: Any) -> bool:
    return value is not None and not (isinstance(value, str) and not value.strip())


def _data_rows(
    sheet: str,
    rows: Iterator[tuple[int, list[Any]]],
    header: dict[int, Column],
    problems: list[Problem],
) -> Iterator[tuple[int, dict[str, Any]]]:
    """(Excel row number, {column key: raw value}); blank rows are skipped, and a value
    in a column without a header is a problem (it would otherwise be silently lost)."""
    for number, cells in rows:
        values: dict[str, Any] = {c.key: None for c in header.values()}
        filled = False
        for index, value in enumerate(cells):
            if not _filled(value):
                continue
            filled = True
            column = header.get(index)
            if column is None:
                problems.append(
                    Problem(
                        _("ô có dữ liệu nhưng cột không có tiêu đề"),
                        sheet=sheet,
                        row=number,
                        letter=column_letter(index),
                    )
                )
            else:
                values[column.key] = value
        if filled:
            yield number, values
