"""The blank import template (issue 9, point 6): built from the import's own column list,
with an instructions sheet and a drop-down list for every enumeration; filled in, it
imports. The import's optional columns (commune name, address, representative, phone) and
the refusal of an .ods file."""

import io
import zipfile

import openpyxl
import pytest
from django.core.management import call_command
from django.urls import reverse

from kttt.registry.excel import run_import
from kttt.registry.excel.template import SHEETS
from kttt.registry.models import Entity
from tests.registry.test_import import HTX_HEADER, htx, refused, run, workbook
from tests.web import client_for, person

pytestmark = pytest.mark.django_db


def lists_of(book: openpyxl.Workbook, sheet: str) -> dict[str, list[str]]:
    """Each column header with a drop-down -> the values its list offers."""
    found = {}
    headers = [c.value for c in book[sheet][1]]
    for validation in book[sheet].data_validations.dataValidation:
        assert validation.type == "list"
        source, cells = validation.formula1.split("!")
        first, last = cells.replace("$", "").split(":")
        values = [c.value for row in book[source.strip("'")][f"{first}:{last}"] for c in row]
        column = str(validation.sqref).split(":")[0].rstrip("0123456789")
        found[headers[openpyxl.utils.column_index_from_string(column) - 1]] = values
    return found


def test_the_blank_template_has_instructions_headers_and_drop_down_lists(tmp_path):
    path = tmp_path / "mau.xlsx"
    out = io.StringIO()
    call_command("export", "--template", str(path), stdout=out)
    assert "mẫu nhập trống" in out.getvalue()
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["Hướng dẫn", "HTX", "Số liệu năm", "OCOP", "Danh mục"]
    assert book["Danh mục"].sheet_state == "hidden"
    for name, columns in SHEETS.items():
        assert [c.value for c in book[name][1]] == [c.header for c in columns]
        assert book[name].max_row == 1
        assert book[name].freeze_panes == "A2"
    assert book["HTX"].column_dimensions["B"].width == 40
    assert lists_of(book, "HTX") == {
        "Loại hình": ["Hợp tác xã", "Liên hiệp hợp tác xã", "Tổ hợp tác"],
        "Lĩnh vực": [
            "Nông - lâm nghiệp, thủy sản",
            "Thương mại - dịch vụ",
            "Xây dựng, sản xuất vật liệu xây dựng",
            "Công nghiệp, tiểu thủ công nghiệp",
            "Vận tải",
            "Quỹ tín dụng nhân dân",
            "Vệ sinh môi trường",
            "Khác",
        ],
        "Trạng thái": [
            "Đang hoạt động",
            "Tạm ngừng hoạt động",
            "Giải thể",
            "Phá sản",
            "Bị thu hồi giấy chứng nhận",
        ],
        "HTX kiểu mới (QĐ 167)": ["Có", "Không"],
    }
    assert lists_of(book, "Số liệu năm") == {
        "Xếp loại": ["Tốt", "Khá", "Trung bình", "Yếu"],
        "Ứng dụng công nghệ cao": ["Có", "Không"],
        "Liên kết chuỗi giá trị": ["Có", "Không"],
    }
    assert lists_of(book, "OCOP") == {
        "Số sao": ["3", "4", "5"],
        "Cấp công nhận": ["Huyện", "Tỉnh", "Trung ương"],
    }
    help_text = [r[0] for r in book["Hướng dẫn"].iter_rows(values_only=True) if r[0]]
    assert any("Excel 2007-365 (.xlsx)" in line for line in help_text)
    # One instructions row per column of every sheet.
    described = [r[:2] for r in book["Hướng dẫn"].iter_rows(values_only=True) if r[1]]
    assert len(described) == 1 + sum(len(c) for c in SHEETS.values())


def test_the_blank_template_filled_in_imports(tmp_path, phong_tho):
    path = tmp_path / "mau.xlsx"
    call_command("export", "--template", str(path), stdout=io.StringIO())
    book = openpyxl.load_workbook(path)
    sheet = book["HTX"]
    row = dict(zip(HTX_HEADER, htx(code="HTX-09"), strict=True))
    row |= {"Địa chỉ": "Bản Lả", "Người đại diện": "Lò Văn A", "Điện thoại": "0912345678"}
    sheet.append([row.get(c.value) for c in sheet[1]])
    book.save(path)
    result = run_import(path)
    assert result.applied, [str(p) for p in result.problems]
    entity = Entity.objects.get(code="HTX-09")
    assert (entity.address, entity.representative, entity.phone) == (
        "Bản Lả",
        "Lò Văn A",
        "0912345678",
    )


def test_the_commune_name_column_is_accepted_and_ignored(tmp_path, phong_tho):
    # A wrong name beside a right code: the code counts, the name is only for people.
    header = [*HTX_HEADER, "Tên xã", "Điện thoại"]
    path = workbook(tmp_path, {"HTX": [header, [*htx(), "Xã Không Có", 2133888999]]})
    code, _out, err = run(path)
    assert code == 0, err
    entity = Entity.objects.get(code="HTX-01")
    assert entity.locations.get().unit.code == "03550"
    # A phone typed as a number reads as its digits.
    assert entity.phone == "2133888999"


def test_a_too_long_phone_is_refused(tmp_path, phong_tho):
    path = workbook(tmp_path, {"HTX": [[*HTX_HEADER, "Điện thoại"], [*htx(), "0" * 31]]})
    refused(path, "Điện thoại", "dài quá 30 ký tự")


def test_an_ods_file_is_refused_with_how_to_save_it_as_xlsx(tmp_path, phong_tho):
    path = tmp_path / "so-htx.ods"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", "<office:document-content/>")
    refused(path, "OpenDocument (.ods", "Lưu thành", "Excel 2007-365 (.xlsx)")


def test_the_import_page_offers_the_blank_template(phong_tho):
    client = client_for(person("planning", "109"))
    page = client.get(reverse("registry:import"))
    assert reverse("registry:import_template") in page.text
    response = client.get(reverse("registry:import_template"))
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="mau-nhap-htx.xlsx"'
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert "Hướng dẫn" in book.sheetnames


def test_the_export_command_wants_a_file_or_a_template(tmp_path):
    with pytest.raises(Exception, match="FILE hoặc --template"):
        call_command("export", stdout=io.StringIO())
