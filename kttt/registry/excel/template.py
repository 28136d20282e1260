"""The Excel template (DOMAIN.md §6): sheet names and column headers.

Headers are the contract with the people and tools that fill the workbook, so they are
plain Vietnamese strings here, never translated.
"""

import unicodedata
from dataclasses import dataclass

SHEET_ENTITIES = "HTX"
SHEET_YEARLY = "Số liệu năm"
SHEET_OCOP = "OCOP"


@dataclass(frozen=True)
class Column:
    header: str
    key: str
    required: bool = True


ENTITY_COLUMNS = (
    Column("Mã số HTX", "code"),
    Column("Tên", "name"),
    Column("Loại hình", "kind"),
    Column("Mã xã", "commune"),
    Column("Lĩnh vực", "sector"),
    Column("Ngày thành lập", "established_on"),
    Column("Trạng thái", "status"),
    Column("Ngày đổi trạng thái", "status_date"),
    Column("HTX kiểu mới (QĐ 167)", "is_model_coop"),
)

# The count and money columns, in template order, with the model field each fills.
YEARLY_COUNT_COLUMNS = (
    Column("Số thành viên", "members"),
    Column("Lao động thường xuyên", "workers"),
    Column("Lao động qua đào tạo nghề", "workers_trained"),
    Column("Cán bộ quản lý", "managers"),
    Column("CBQL sơ cấp", "managers_primary"),
    Column("CBQL trung cấp", "managers_intermediate"),
    Column("CBQL cao đẳng", "managers_college"),
    Column("CBQL đại học trở lên", "managers_university"),
)
YEARLY_MONEY_COLUMNS = (
    Column("Vốn điều lệ (triệu đồng)", "charter_capital"),
    Column("Doanh thu (triệu đồng)", "revenue"),
    Column("Lợi nhuận (triệu đồng)", "profit"),
    Column("Thu nhập bình quân (triệu đồng/người/năm)", "income_avg"),
    Column("Nộp ngân sách (triệu đồng)", "tax"),
)
YEARLY_COLUMNS = (
    Column("Mã số HTX", "code"),
    Column("Năm", "year"),
    *YEARLY_COUNT_COLUMNS,
    *YEARLY_MONEY_COLUMNS,
    Column("Xếp loại", "grade"),
    Column("Ứng dụng công nghệ cao", "hightech"),
    Column("Liên kết chuỗi giá trị", "value_chain"),
    Column("Mã xã", "commune", required=False),
)

OCOP_COLUMNS = (
    Column("Mã số HTX", "code"),
    Column("Tên sản phẩm", "name"),
    Column("Số sao", "stars"),
    Column("Ngày công nhận", "recognized_on"),
    Column("Cấp công nhận", "level"),
)

SHEETS = {
    SHEET_ENTITIES: ENTITY_COLUMNS,
    SHEET_YEARLY: YEARLY_COLUMNS,
    SHEET_OCOP: OCOP_COLUMNS,
}


def header_key(value: object) -> str:
    """Headers and sheet names match ignoring case, surrounding spaces and Unicode form."""
    text = unicodedata.normalize("NFC", str(value)).strip()
    return " ".join(text.split()).casefold()


def column_letter(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters
