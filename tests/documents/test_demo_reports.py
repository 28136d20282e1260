"""The done-when of issue 8 on the demo: the annual reports of Huyện Phong Thổ for 2021 and
2025 and the final report of the 2021–2025 plan, read back by python-docx, carry the figures
that `kttt indicators` and `kttt targets --final` print for the same year and area, written
the Vietnamese way. The 2021 figures are the plan's own section II (DOMAIN.md §8)."""

import io
import json
import os
import shutil
import subprocess

import pytest
from django.core.management import call_command
from docx import Document as read_docx

from kttt.lib.numbers import format_number
from kttt.plans.models import Plan

pytestmark = pytest.mark.django_db
VERDICTS = {"Đạt", "Không đạt", "Chưa đủ số liệu"}


@pytest.fixture
def demo(tmp_path, settings):
    settings.VAR_DIR = tmp_path
    call_command("load_demo", password="mat-khau-demo", stdout=io.StringIO())


def report(tmp_path, *args):
    out = tmp_path / "r.docx"
    call_command("report", *args, "-o", str(out), stdout=io.StringIO())
    doc = read_docx(out)
    text = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        text += [cell.text for row in table.rows for cell in row.cells]
    return doc, "\n".join(text), out


def cli_json(*args):
    out = io.StringIO()
    call_command(*args, "--format", "json", stdout=out)
    return json.loads(out.getvalue())


def test_the_demo_reports(demo, tmp_path):
    # 2021, dated 15/01/2022: the district's finance-planning office issues it.
    doc, text, _ = report(
        tmp_path, "annual", "--year", "2021", "--area", "109", "--date", "15/01/2022"
    )
    header = doc.tables[0].rows[0].cells
    assert "PHÒNG TÀI CHÍNH - KẾ HOẠCH" in header[0].text
    assert "/BC-TCKH" in header[0].text
    assert "Phong Thổ, ngày 15 tháng 01 năm 2022" in header[1].text
    assert "Kết quả thực hiện Đề án phát triển kinh tế tập thể huyện Phong Thổ" in text
    for figure in (
        "có 27 hợp tác xã đang hoạt động",
        "213 thành viên",
        "63.090 triệu đồng",
        "19.682 triệu đồng",
        "46,5 triệu đồng/người/năm",
        "1.152 triệu đồng",
        "chiếm 27,78%",
    ):
        assert figure in text
    assert "Nơi nhận:" in text
    appendix = doc.tables[-1]
    assert len(appendix.rows) == 1 + 27

    # 2025, dated 10/01/2026: after the district ended, the province's department.
    doc, text, _ = report(
        tmp_path, "annual", "--year", "2025", "--area", "109", "--date", "10/01/2026"
    )
    assert "SỞ TÀI CHÍNH" in doc.tables[0].rows[0].cells[0].text
    assert "Lai Châu, ngày 10 tháng 01 năm 2026" in text
    figures = cli_json("indicators", "--year", "2025", "--area", "109")["indicators"]
    for code in ("coops_active", "members", "capital", "revenue", "income_avg", "tax"):
        assert format_number(figures[code]) in text, code
    assert len(doc.tables[-1].rows) == 1 + figures["coops_active"]
    # The effective target names its grading rule and denominator; the 2025 grades were
    # given after Thông tư 01/2020 ended, and section V says so.
    assert "(Theo Thông tư 01/2020/TT-BKHĐT (Tốt, Khá); mẫu số: " in text
    assert "đã hết hiệu lực từ 18/09/2025" in text

    # The final report: the eight targets, each with its verdict, and the count.
    plan = str(Plan.objects.get().pk)  # not 1 on PostgreSQL, whose sequences go on
    doc, text, path = report(tmp_path, "final", "--plan", plan, "--date", "20/01/2026")
    final = cli_json("targets", "--final", "--plan", plan)
    targets = next(t for t in doc.tables if t.rows[0].cells[-1].text == "Đánh giá")
    rows = targets.rows[1:]
    assert len(rows) == 8
    assert {r.cells[-1].text for r in rows} <= VERDICTS
    assert [r.cells[-1].text for r in rows] == [t["verdict"] for t in final["targets"]]
    assert final["summary"] in text
    assert "Tổng kết thực hiện Đề án phát triển kinh tế tập thể huyện Phong Thổ" in text

    if shutil.which("soffice") or os.environ.get("CI"):
        # LibreOffice opens and converts it without error (required in CI).
        result = subprocess.run(
            [
                "soffice",
                f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}",
                "--headless",
                "--convert-to",
                "pdf",
                "--outdir",
                str(tmp_path),
                str(path),
            ],
            capture_output=True,
            timeout=180,
            check=False,
        )
        assert result.returncode == 0, result.stderr
        assert (tmp_path / "r.pdf").read_bytes().startswith(b"%PDF")
