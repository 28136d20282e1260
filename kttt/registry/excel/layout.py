"""How the template looks to a person: column widths, a frozen header row, a drop-down list
for every enumeration (Excel data validation, drawn from a hidden sheet "Danh mục"), and the
blank template with its instructions sheet "Hướng dẫn". Everything comes from the columns of
template.py, the very definition the import reads; the import ignores sheets that are not
the template's, so the instructions and the lists never reach it.
"""

from pathlib import Path
from typing import Any, BinaryIO

from django.utils import translation
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from openpyxl.worksheet.datavalidation import DataValidation

from kttt.registry.excel.template import (
    SHEET_ENTITIES,
    SHEET_OCOP,
    SHEET_YEARLY,
    SHEETS,
    Column,
    column_letter,
)
from kttt.registry.models import Grade, Kind, OcopLevel, Sector, Status

SHEET_HELP = "Hướng dẫn"
SHEET_LISTS = "Danh mục"
YES_NO = ["Có", "Không"]
# Rows that carry the drop-down lists: far more than a district's registry.
LAST_ROW = 20000


def enumerations() -> dict[str, list[str]]:
    """Each enumeration's accepted values as a person writes them (Vietnamese labels)."""

    def labels(choices: Any) -> list[str]:
        return [str(label) for _value, label in choices.choices]

    return {
        "Loại hình": labels(Kind),
        "Lĩnh vực": labels(Sector),
        "Trạng thái": labels(Status),
        "Có/Không": YES_NO,
        "Xếp loại": labels(Grade),
        "Cấp công nhận": labels(OcopLevel),
        "Số sao": ["3", "4", "5"],
    }


# (sheet, column key) -> the enumeration it takes.
COLUMN_LISTS = {
    (SHEET_ENTITIES, "kind"): "Loại hình",
    (SHEET_ENTITIES, "sector"): "Lĩnh vực",
    (SHEET_ENTITIES, "status"): "Trạng thái",
    (SHEET_ENTITIES, "is_model_coop"): "Có/Không",
    (SHEET_YEARLY, "grade"): "Xếp loại",
    (SHEET_YEARLY, "hightech"): "Có/Không",
    (SHEET_YEARLY, "value_chain"): "Có/Không",
    (SHEET_OCOP, "stars"): "Số sao",
    (SHEET_OCOP, "level"): "Cấp công nhận",
}

# What each column takes, for the instructions sheet.
HELP = {
    "code": "Bắt buộc. Chữ, số và dấu gạch ngang, tối đa 20 ký tự; không trùng.",
    "name": "Bắt buộc với HTX mới.",
    "kind": "Chọn trong danh sách.",
    "commune": "Mã xã (5 chữ số) đọc tại ngày thành lập; bắt buộc với HTX mới.",
    "commune_name": "Chỉ để đọc: tệp xuất ghi tên xã cạnh mã; khi nhập, cột này bị bỏ qua.",
    "sector": "Chọn trong danh sách (hoặc ghi mã lĩnh vực).",
    "established_on": "Ngày dd/mm/yyyy; bắt buộc với HTX mới.",
    "status": "Để trống = Đang hoạt động.",
    "status_date": "Ngày dd/mm/yyyy; bắt buộc khi trạng thái khác Đang hoạt động.",
    "is_model_coop": "Có / Không; để trống = Không.",
    "address": "Không bắt buộc; để trống thì giữ địa chỉ đã có.",
    "representative": "Không bắt buộc; người đại diện theo pháp luật.",
    "phone": "Không bắt buộc; nhập dạng văn bản để giữ số 0 ở đầu.",
    "year": "Năm của số liệu (4 chữ số).",
    "grade": "Tốt, Khá, Trung bình, Yếu hoặc để trống (HTX chưa đủ 12 tháng).",
    "hightech": "Có / Không; để trống = Không.",
    "value_chain": "Có / Không; để trống = Không.",
    "stars": "3, 4 hoặc 5.",
    "recognized_on": "Ngày dd/mm/yyyy.",
    "level": "Huyện, Tỉnh hoặc Trung ương; không bắt buộc.",
}
COUNT_HELP = "Số nguyên từ 0 đến 1.000.000."
MONEY_HELP = "Triệu đồng; viết 63.090 hoặc 46,5; không âm (trừ lợi nhuận)."

GENERAL_HELP = [
    "Mẫu nhập sổ HTX, số liệu năm và sản phẩm OCOP.",
    "Giữ nguyên tên các trang (HTX, Số liệu năm, OCOP) và dòng tiêu đề (dòng 1); "
    "nhập dữ liệu từ dòng 2. Các cột có thể đổi thứ tự; không thêm cột lạ.",
    "Trang Số liệu năm và OCOP có thể bỏ trống. Trang Hướng dẫn và Danh mục không được nhập.",
    "Số viết kiểu Việt Nam (63.090; 46,5) hoặc ô số; ngày dd/mm/yyyy hoặc ô ngày. "
    "Không dùng công thức: hãy Sao chép, Dán giá trị.",
    "Nhập là tất cả hoặc không: có một lỗi thì không ghi gì, và trang nhập liệt kê "
    "mọi lỗi theo trang, dòng, cột.",
    "Tệp phải lưu dạng .xlsx. Trong LibreOffice: Tệp › Lưu thành, chọn kiểu "
    "“Excel 2007-365 (.xlsx)”, bấm Giữ định dạng hiện tại.",
]


def width(column: Column) -> int:
    return max(column.width, min(len(column.header) + 2, 24))


def dress(sheet: WriteOnlyWorksheet, name: str, columns: tuple[Column, ...]) -> None:
    """Before any row is written: widths, a frozen header, and the drop-down lists."""
    sheet.freeze_panes = "A2"
    lists = list(enumerations())
    for index, column in enumerate(columns):
        letter = column_letter(index)
        sheet.column_dimensions[letter].width = width(column)
        enumeration = COLUMN_LISTS.get((name, column.key))
        if enumeration is None:
            continue
        values = enumerations()[enumeration]
        source = column_letter(lists.index(enumeration))
        validation = DataValidation(
            type="list",
            formula1=f"'{SHEET_LISTS}'!${source}$2:${source}${len(values) + 1}",
            allow_blank=True,
            # A warning, not a refusal: the import also reads "kha", "nong nghiep" or a code.
            errorStyle="warning",
            showErrorMessage=True,
            errorTitle=enumeration,
            error="Giá trị không có trong danh sách.",
        )
        validation.add(f"{letter}2:{letter}{LAST_ROW}")
        sheet.data_validations.append(validation)


def header(sheet: WriteOnlyWorksheet, columns: tuple[Column, ...]) -> list[Any]:
    cells = []
    for column in columns:
        cell = WriteOnlyCell(sheet, value=column.header)
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        cells.append(cell)
    return cells


def add_lists(workbook: Workbook) -> None:
    """The hidden sheet the drop-down lists read from: one column per enumeration."""
    sheet = workbook.create_sheet(SHEET_LISTS)
    sheet.sheet_state = "hidden"
    lists = enumerations()
    for index, name in enumerate(lists):
        sheet.column_dimensions[column_letter(index)].width = max(
            len(v) for v in [name, *lists[name]]
        )
    sheet.append(list(lists))
    for row in range(max(len(v) for v in lists.values())):
        sheet.append([values[row] if row < len(values) else None for values in lists.values()])


def add_help(workbook: Workbook) -> None:
    sheet = workbook.create_sheet(SHEET_HELP)
    for letter, size in zip("ABCD", (14, 40, 12, 70), strict=True):
        sheet.column_dimensions[letter].width = size
    bold = Font(bold=True)
    for line in GENERAL_HELP:
        sheet.append([line])
    sheet.append([])
    titles = []
    for title in ("Trang", "Cột", "Bắt buộc", "Cách nhập"):
        cell = WriteOnlyCell(sheet, value=title)
        cell.font = bold
        titles.append(cell)
    sheet.append(titles)
    for name, columns in SHEETS.items():
        for column in columns:
            if column.key in HELP:
                text = HELP[column.key]
            elif column.key in {"charter_capital", "revenue", "profit", "income_avg", "tax"}:
                text = MONEY_HELP
            else:
                text = COUNT_HELP
            if column.key == "commune" and name == SHEET_YEARLY:
                text = "Không bắt buộc: xã của HTX ngày 31/12 năm đó; khác xã cũ = chuyển xã."
            required = "có" if column.required and not column.read_only else "không"
            sheet.append([name, column.header, required, text])


def blank_template(out: BinaryIO | str | Path) -> None:
    """The import template without data: the instructions, the three sheets with their
    headers and drop-down lists, and the lists' hidden sheet."""
    with translation.override("vi"):
        workbook = Workbook(write_only=True)
        add_help(workbook)
        for name, columns in SHEETS.items():
            sheet = workbook.create_sheet(name)
            dress(sheet, name, columns)
            sheet.append(header(sheet, columns))
        add_lists(workbook)
        workbook.save(out)
