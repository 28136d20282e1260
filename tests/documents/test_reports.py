"""The official reports (issue 8): what python-docx, openpyxl, LibreOffice and pdftotext read
back from the generated files, for a commune and the province on imported data, across the
2025 reform.

The imported world (figures in triệu đồng), worked out by hand:
- X1 founded 01/03/2019 in Thị trấn Phong Thổ (03549 before 01/07/2025): 2024: 10 members,
  5 workers, capital 1.500, revenue 2.400,5, income 50; 2025: 12 members, 6 workers,
  capital 1.500, revenue 3.000, income 55.
- X2 founded 01/06/2020 in Xã Huổi Luông (03490, which went into Xã Phong Thổ on
  01/07/2025): 2024: 8 members, 4 workers, capital 800, income 40; 2025: 8 members,
  4 workers, capital 800, income 44.
- X3 founded 10/01/2022 in Xã Mù Sang (03568, not part of Xã Phong Thổ): 2025: 20 members,
  10 workers, capital 2.000, income 60.
Commune 03549 in 2024 (Thị trấn Phong Thổ): X1 only: 1 HTX, 10 members, capital 1.500.
Commune 03549 in 2025 (Xã Phong Thổ): X1 and X2: 2 HTX, 20 members, 10 workers, capital
2.300, income (55 × 6 + 44 × 4) / 10 = 50,6.
Province 12 in 2025: X1, X2, X3: 3 HTX, 40 members, 20 workers, capital 4.300, income
(330 + 176 + 600) / 20 = 55,3.
"""

import datetime as dt
import io
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from django.core.management import call_command
from docx import Document as read_docx
from docx.shared import Cm
from openpyxl import Workbook, load_workbook

from kttt.documents.build import Request, build
from kttt.documents.issuers import issuer_for
from kttt.documents.models import Issuer
from kttt.documents.register import record, render
from kttt.registry.excel.template import ENTITY_COLUMNS, YEARLY_COLUMNS
from kttt.registry.models import Entity
from tests import factories

pytestmark = pytest.mark.django_db
D = dt.date

# The import template's own headers (DOMAIN.md §6; tests/registry/test_import.py types them
# out to test the contract itself).
ENTITY_HEADERS = [c.header for c in ENTITY_COLUMNS if c.required]
YEARLY_HEADERS = [c.header for c in YEARLY_COLUMNS if c.required]


def imported_world(tmp_path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    ws.title = "HTX"
    ws.append(ENTITY_HEADERS)
    ws.append(["X1", "HTX Một", "Hợp tác xã", "03549", "Nông nghiệp", "01/03/2019", "", "", ""])
    ws.append(["X2", "HTX Hai", "Hợp tác xã", "03490", "Nông nghiệp", "01/06/2020", "", "", ""])
    ws.append(
        ["X3", "HTX Ba", "Hợp tác xã", "03568", "Thương mại - dịch vụ", "10/01/2022", "", "", ""]
    )
    ys = wb.create_sheet("Số liệu năm")
    ys.append(YEARLY_HEADERS)
    rows = [
        ("X1", 2024, 10, 5, "1.500", "2.400,5", "50"),
        ("X1", 2025, 12, 6, "1.500", "3.000", "55"),
        ("X2", 2024, 8, 4, "800", "", "40"),
        ("X2", 2025, 8, 4, "800", "", "44"),
        ("X3", 2025, 20, 10, "2.000", "", "60"),
    ]
    for code, year, members, workers, capital, revenue, income in rows:
        values = dict.fromkeys(YEARLY_HEADERS, "")
        values.update(
            {
                "Mã số HTX": code,
                "Năm": year,
                "Số thành viên": members,
                "Lao động thường xuyên": workers,
                "Vốn điều lệ (triệu đồng)": capital,
                "Doanh thu (triệu đồng)": revenue,
                "Thu nhập bình quân (triệu đồng/người/năm)": income,
            }
        )
        ys.append([values[h] for h in YEARLY_HEADERS])
    path = tmp_path / "nhap.xlsx"
    wb.save(path)
    call_command("import", str(path), stdout=io.StringIO())
    assert Entity.objects.count() == 3


def docx_text(data: bytes) -> tuple[object, str]:
    doc = read_docx(io.BytesIO(data))
    parts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            parts += [cell.text for cell in row.cells]
    return doc, "\n".join(parts)


def annual_docx(area: str, year: int, on: dt.date) -> tuple[object, str]:
    request = Request("annual", area, on, issuer_for(area, on), year=year)
    return docx_text(render(build(request), "docx", on).data)


@pytest.fixture
def world(phong_tho, tmp_path):
    imported_world(tmp_path)
    return phong_tho


def test_a_communes_report_before_the_reform_reads_the_old_unit(world):
    doc, text = annual_docx("03549", 2024, D(2025, 1, 15))
    # Read at 15/01/2025, code 03549 is Thị trấn Phong Thổ: its own People's Committee.
    assert "ỦY BAN NHÂN DÂN THỊ TRẤN PHONG THỔ" in text
    assert "Phong Thổ, ngày 15 tháng 01 năm 2025" in text
    assert "có 1 hợp tác xã đang hoạt động" in text
    assert "10 thành viên" in text
    assert "1.500 triệu đồng" in text
    appendix = doc.tables[-1]
    assert [row.cells[1].text for row in appendix.rows[1:]] == ["X1"]


def test_a_communes_report_after_the_reform_counts_what_went_into_it(world):
    doc, text = annual_docx("03549", 2025, D(2026, 1, 10))
    assert "ỦY BAN NHÂN DÂN XÃ PHONG THỔ" in text
    assert "có 2 hợp tác xã đang hoạt động" in text
    assert "20 thành viên" in text
    assert "2.300 triệu đồng" in text
    assert "50,6 triệu đồng/người/năm" in text
    appendix = doc.tables[-1]
    assert sorted(row.cells[1].text for row in appendix.rows[1:]) == ["X1", "X2"]


def test_the_provinces_report(world):
    _doc, text = annual_docx("12", 2025, D(2026, 1, 10))
    assert "ỦY BAN NHÂN DÂN TỈNH LAI CHÂU" in text
    assert "Lai Châu, ngày 10 tháng 01 năm 2026" in text
    assert "có 3 hợp tác xã đang hoạt động" in text
    assert "40 thành viên" in text
    assert "4.300 triệu đồng" in text
    assert "55,3 triệu đồng/người/năm" in text


def test_an_ended_districts_report_is_issued_by_the_new_level(world):
    """Huyện Phong Thổ ended on 30/06/2025 and went into five communes: without a setting,
    its report dated 2026 is issued by the province; with one, by the setting's agency."""
    assert issuer_for("109", D(2026, 1, 10)).agency == "ỦY BAN NHÂN DÂN TỈNH LAI CHÂU"
    assert issuer_for("109", D(2025, 1, 10)).agency == "ỦY BAN NHÂN DÂN HUYỆN PHONG THỔ"
    Issuer.objects.create(
        area_code="109", agency="PHÒNG TÀI CHÍNH - KẾ HOẠCH", place="Phong Thổ", symbol="BC-TCKH"
    )
    Issuer.objects.create(
        area_code="109",
        valid_from=D(2025, 7, 1),
        agency="SỞ TÀI CHÍNH",
        place="Lai Châu",
        symbol="BC-STC",
    )
    assert issuer_for("109", D(2025, 6, 30)).agency == "PHÒNG TÀI CHÍNH - KẾ HOẠCH"
    assert issuer_for("109", D(2025, 7, 1)).symbol == "BC-STC"


def test_the_form_of_nghi_dinh_30(world):
    doc, text = annual_docx("12", 2025, D(2026, 1, 10))
    for section in doc.sections:
        portrait = section.page_width < section.page_height
        width, height = (Cm(21), Cm(29.7)) if portrait else (Cm(29.7), Cm(21))
        assert abs(section.page_width - width) < Cm(0.05)
        assert abs(section.page_height - height) < Cm(0.05)
        # In millimetres to a tenth (Word stores twentieths of a point).
        assert 20 <= round(section.top_margin.mm, 1) <= 25
        assert 20 <= round(section.bottom_margin.mm, 1) <= 25
        assert 30 <= round(section.left_margin.mm, 1) <= 35
        assert 15 <= round(section.right_margin.mm, 1) <= 20
    normal = doc.styles["Normal"].font
    assert normal.name == "Times New Roman"
    assert 13 <= normal.size.pt <= 14
    fonts = {r.font.name for p in doc.paragraphs for r in p.runs if r.text.strip()}
    assert fonts == {"Times New Roman"}
    header = doc.tables[0].rows[0].cells
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in header[1].text
    assert "Độc lập - Tự do - Hạnh phúc" in header[1].text
    assert "Số:" in header[0].text
    assert "/BC-UBND" in header[0].text
    place = next(p for p in header[1].paragraphs if "ngày" in p.text)
    assert all(r.font.italic for r in place.runs)
    title = next(p for p in doc.paragraphs if p.text == "BÁO CÁO")
    assert all(r.font.bold for r in title.runs)
    # Page numbers at the top from page 2: the first page's header is empty.
    first = doc.sections[0]
    assert first.different_first_page_header_footer
    assert "PAGE" in first.header._element.xml
    assert "PAGE" not in first.first_page_header._element.xml
    signature = next(t for t in doc.tables if "Nơi nhận:" in t.rows[0].cells[0].text)
    heading = next(p for p in signature.rows[0].cells[0].paragraphs if p.text == "Nơi nhận:")
    assert heading.runs[0].font.bold
    assert heading.runs[0].font.italic
    assert heading.runs[0].font.size.pt == 12
    assert signature.rows[0].cells[0].paragraphs[-1].text.startswith("- Lưu: VT")
    for heading in (
        "I. HIỆN TRẠNG KINH TẾ TẬP THỂ",
        "II. KẾT QUẢ THỰC HIỆN CÁC MỤC TIÊU",
        "III. NHIỆM VỤ, GIẢI PHÁP ĐÃ TRIỂN KHAI",
        "IV. KINH PHÍ THỰC HIỆN",
        "V. TỒN TẠI, HẠN CHẾ, NGUYÊN NHÂN",
        "VI. PHƯƠNG HƯỚNG, KIẾN NGHỊ",
    ):
        assert heading in text


def test_the_workbook_keeps_numbers_as_numbers(world):
    on = D(2026, 1, 10)
    document = build(Request("annual", "12", on, issuer_for("12", on), year=2025))
    wb = load_workbook(io.BytesIO(render(document, "xlsx", on).data))
    appendix = wb["Phụ lục HTX"]
    assert appendix.freeze_panes == "A2"
    header = [c.value for c in appendix[1]]
    members = header.index("Thành viên") + 1
    capital = header.index("Vốn điều lệ") + 1
    rows = {appendix.cell(r, 2).value: r for r in range(2, appendix.max_row + 1)}
    assert set(rows) >= {"X1", "X2", "X3"}
    cell = appendix.cell(rows["X3"], capital)
    assert cell.value == 2000
    assert cell.data_type == "n"
    assert cell.number_format == "#,##0.##"
    assert appendix.cell(rows["X1"], members).value == 12
    assert appendix.column_dimensions["C"].width >= 20
    sectors = wb["Lĩnh vực"]
    total = [c.value for c in sectors[sectors.max_row]]
    assert total[:2] == ["Tổng cộng", 3]


def test_a_report_is_the_same_file_when_made_again_and_says_when_data_changed(world):
    on = D(2026, 1, 10)
    request = Request("annual", "03549", on, issuer_for("03549", on), year=2025)
    report, document = record(request)
    assert report.number == "01"
    again = build(Request("annual", "03549", on, issuer_for("03549", on), year=2025, number="01"))
    assert render(document, "docx", on).data == render(again, "docx", on).data
    assert again.fingerprint() == report.fingerprint
    factories.yearly(Entity.objects.get(code="X2"), 2025, members=9, workers=4, income_avg=44)
    changed = build(Request("annual", "03549", on, issuer_for("03549", on), year=2025, number="01"))
    assert changed.fingerprint() != report.fingerprint


def test_numbers_of_the_register_do_not_clash(world):
    from kttt.documents.register import ReportError

    on = D(2026, 1, 10)
    record(Request("annual", "12", on, issuer_for("12", on), year=2025, number="07"))
    with pytest.raises(ReportError, match="Số 07/BC-UBND năm 2026 đã dùng"):
        record(Request("annual", "12", on, issuer_for("12", on), year=2024, number="07"))
    second, _ = record(Request("annual", "12", on, issuer_for("12", on), year=2024))
    assert second.number == "08"


def test_the_command_line_refuses_what_it_cannot_do(world, tmp_path):
    out = tmp_path / "x.docx"
    with pytest.raises(Exception, match="chưa kết thúc"):
        call_command("report", "annual", "--year", "2030", "--area", "12", "-o", str(out))
    with pytest.raises(Exception, match="Không có đơn vị hành chính mã 99999"):
        call_command("report", "annual", "--year", "2025", "--area", "99999", "-o", str(out))
    assert not out.exists()


@pytest.fixture
def libreoffice():
    """LibreOffice and poppler-utils (scripts/system-deps.sh installs them): missing, the
    test is skipped on a developer's machine and fails in CI."""
    missing = [p for p in ("soffice", "pdfinfo", "pdftotext", "pdftoppm") if not shutil.which(p)]
    if missing:
        message = (
            f"missing {', '.join(missing)}: apt-get install libreoffice-writer-nogui poppler-utils"
        )
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)


def test_libreoffice_converts_the_report_to_pdf(world, tmp_path, libreoffice):
    out = tmp_path / "bao-cao.pdf"
    call_command(
        "report",
        "annual",
        "--year",
        "2025",
        "--area",
        "12",
        "--date",
        "10/01/2026",
        "--format",
        "pdf",
        "-o",
        str(out),
        stdout=io.StringIO(),
    )
    assert out.read_bytes().startswith(b"%PDF")
    info = subprocess.run(["pdfinfo", str(out)], capture_output=True, text=True, check=True)
    assert "A4" in info.stdout
    first = subprocess.run(
        ["pdftotext", "-f", "1", "-l", "1", "-layout", str(out), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "BÁO CÁO" in first
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in first
    subprocess.run(
        ["pdftoppm", "-f", "1", "-l", "1", "-r", "50", "-png", str(out), str(tmp_path / "p")],
        check=True,
    )
    assert list(tmp_path.glob("p*.png"))


def test_a_reports_queries_do_not_grow_with_the_cooperatives(world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    on = D(2026, 1, 10)

    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            build(Request("annual", "12", on, issuer_for("12", on), year=2025))
        return len(ctx.captured_queries)

    before = queries()
    for i in range(3):
        e = factories.entity(f"Y{i}", world.mu_sang, established=D(2022, 1, 1))
        factories.yearly(e, 2025, members=5, workers=2, income_avg=30)
    assert queries() == before
