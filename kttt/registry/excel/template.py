"""The Excel template (DOMAIN.md §6): sheet names and column headers.

Headers are the contract with the people and tools that fill the workbook, so they are
plain Vietnamese strings here, never translated. The columns marked optional beyond those of
DOMAIN.md §6 (the registry's address, representative and phone; "Tên xã", written by the
export beside "Mã xã" for people to read and ignored by the import) are documented in
docs/import-template.md; every contract column is as DOMAIN.md §6 says.
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
    # Written by the export for people to read; the import accepts the column and ignores it.
    read_only: bool = False
    width: int = 14  # in characters, for the export and the blank template


COMMUNE_NAME = "Tên xã"


ENTITY_COLUMNS = (
    Column("Mã số HTX", "code"),
    Column("Tên", "name", width=40),
    Column("Loại hình", "kind", width=20),
    Column("Mã xã", "commune", width=8),
    Column(COMMUNE_NAME, "commune_name", required=False, read_only=True, width=24),
    Column("Lĩnh vực", "sector", width=34),
    Column("Ngày thành lập", "established_on"),
    Column("Trạng thái", "status", width=26),
    Column("Ngày đổi trạng thái", "status_date"),
    Column("HTX kiểu mới (QĐ 167)", "is_model_coop", width=12),
    Column("Địa chỉ", "address", required=False, width=36),
    Column("Người đại diện", "representative", required=False, width=24),
    Column("Điện thoại", "phone", required=False, width=14),
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
    Column("Năm", "year", width=8),
    *YEARLY_COUNT_COLUMNS,
    *YEARLY_MONEY_COLUMNS,
    Column("Xếp loại", "grade", width=12),
    Column("Ứng dụng công nghệ cao", "hightech", width=12),
    Column("Liên kết chuỗi giá trị", "value_chain", width=12),
    Column("Mã xã", "commune", required=False, width=8),
    Column(COMMUNE_NAME, "commune_name", required=False, read_only=True, width=24),
)

OCOP_COLUMNS = (
    Column("Mã số HTX", "code"),
    Column("Tên sản phẩm", "name", width=36),
    Column("Số sao", "stars", width=8),
    Column("Ngày công nhận", "recognized_on"),
    Column("Cấp công nhận", "level", width=14),
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
