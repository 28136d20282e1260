"""Workbooks built to exhaust the reader (issue 11): a sheet's extent is bounded before
calamine sees the file, since it sizes its grid from the farthest cell."""

import os
import resource
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from kttt.accounts.models import Role
from kttt.registry.excel import plan_import
from kttt.registry.excel.reading import BadFile, _beyond, check_file
from kttt.registry.excel.template import column_letter
from kttt.registry.models import Entity
from tests import factories
from tests.registry.test_import import HTX_HEADER, htx, snapshot
from tests.web import PLAIN_STORAGES

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG = "http://schemas.openxmlformats.org/package/2006/relationships"
MEMORY_CAP = 1536 * 1024 * 1024  # a regression must fail, not eat the machine

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" '
    'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    "</Types>"
)
ROOT_RELS = (
    f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{PKG}">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'
)
WORKBOOK = (
    f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{MAIN}" xmlns:r="{REL}">'
    '<sheets><sheet name="HTX" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
WORKBOOK_RELS = (
    f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{PKG}">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>'
)


def _letter(index: int) -> str:
    return "ABCDEFGHIJKLMNOPQRSTUVWXYZ"[index]


def _text_row(number: int, values: list) -> str:
    cells = "".join(
        f'<c r="{_letter(i)}{number}" t="inlineStr"><is><t>{value}</t></is></c>'
        for i, value in enumerate(values)
        if value is not None
    )
    return f'<row r="{number}">{cells}</row>'


def hostile(tmp_path: Path, rows: str, dimension: str = "A1:I2", name: str = "x.xlsx") -> Path:
    """A minimal .xlsx with one sheet `HTX`: the template header, one good cooperative, and
    `rows` (raw <row> XML) after them."""
    sheet = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="{MAIN}">'
        f'<dimension ref="{dimension}"/><sheetData>'
        f"{_text_row(1, HTX_HEADER)}{_text_row(2, htx())}{rows}"
        "</sheetData></worksheet>"
    )
    path = tmp_path / name
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("_rels/.rels", ROOT_RELS)
        archive.writestr("xl/workbook.xml", WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        archive.writestr("xl/worksheets/sheet1.xml", sheet)
    return path


def far_cell(tmp_path: Path) -> Path:
    return hostile(tmp_path, '<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>')


def far_row(tmp_path: Path) -> Path:
    return hostile(tmp_path, '<row r="200000"><c r="ZZ200000"><v>1</v></c></row>')


def many_rows(tmp_path: Path) -> Path:
    rows = "".join(f'<row r="{n}"><c r="A{n}"><v>1</v></c></row>' for n in range(3, 200_002))
    return hostile(tmp_path, rows)


FAR_CELL = (
    "trang HTX: có ô ở dòng 1.048.576, cột 16.384 (XFD): vượt giới hạn 200.000 dòng và "
    "60 cột mỗi trang. Hãy xóa các ô thừa ở cuối trang rồi lưu lại."
)
FAR_ROW = "trang HTX: có ô ở dòng 200.000, cột 702 (ZZ): vượt giới hạn 200.000 dòng và 60 cột"
MANY_ROWS = "trang HTX: có ô ở dòng 200.001, cột 1 (A): vượt giới hạn 200.000 dòng và 60 cột"
CASES = [(far_cell, FAR_CELL), (far_row, FAR_ROW), (many_rows, MANY_ROWS)]


def _capped() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_CAP, MEMORY_CAP))


def kttt_capped(*args: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    # An empty database: a refused file is refused before any table is read.
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'empty.sqlite3'}"}
    return subprocess.run(
        [sys.executable, "-m", "kttt.manage", *args],
        capture_output=True,
        text=True,
        env=env,
        check=False,
        timeout=120,
        preexec_fn=_capped,
    )


@pytest.mark.parametrize(("build", "message"), CASES)
def test_check_file_refuses_a_sheet_reaching_too_far_within_seconds(tmp_path, build, message):
    path = build(tmp_path)

    started = time.monotonic()
    with pytest.raises(BadFile) as refused:
        check_file(path)

    assert time.monotonic() - started < 5
    assert len(refused.value.problems) == 1
    assert str(refused.value.problems[0]).startswith(message)


@pytest.mark.django_db
@pytest.mark.parametrize(("build", "message"), CASES)
def test_the_import_refuses_it_and_writes_nothing(tmp_path, phong_tho, build, message):
    path = build(tmp_path)
    before = snapshot()

    plan = plan_import(path)

    assert len(plan.problems) == 1
    assert str(plan.problems[0]).startswith(message)
    assert snapshot() == before


@pytest.mark.parametrize(("build", "message"), CASES)
def test_the_cli_exits_1_with_the_message_under_a_memory_cap(tmp_path, build, message):
    path = build(tmp_path)

    done = kttt_capped("import", str(path), tmp_path=tmp_path)

    assert done.returncode == 1, done.stderr
    assert message in done.stderr
    assert "Traceback" not in done.stderr


def test_the_limits_are_settings(tmp_path, settings):
    path = hostile(tmp_path, '<row r="40"><c r="K40"><v>1</v></c></row>')
    check_file(path)  # within the defaults

    settings.KTTT_IMPORT_MAX_ROWS = 39
    with pytest.raises(BadFile) as refused:
        check_file(path)
    assert "vượt giới hạn 39 dòng và 60 cột" in str(refused.value.problems[0])

    settings.KTTT_IMPORT_MAX_ROWS = 40
    settings.KTTT_IMPORT_MAX_COLUMNS = 10
    with pytest.raises(BadFile) as refused:
        check_file(path)
    assert "có ô ở dòng 40, cột 11 (K): vượt giới hạn 40 dòng và 10 cột" in str(
        refused.value.problems[0]
    )

    settings.KTTT_IMPORT_MAX_COLUMNS = 60
    settings.KTTT_IMPORT_MAX_CELLS = 16  # 9 header cells, 7 filled of the cooperative, K40
    with pytest.raises(BadFile) as refused:
        check_file(path)
    assert str(refused.value.problems[0]) == (
        "trang HTX: có hơn 16 ô: vượt giới hạn số ô mỗi trang. Hãy xóa các ô thừa hoặc chia "
        "số liệu ra nhiều tệp."
    )


def test_cells_without_references_are_counted_where_excel_puts_them(tmp_path, settings):
    # Rows and cells may omit r=: the cell after I2 is J2, the row after 2 is 3.
    path = hostile(tmp_path, "<row><c><v>1</v></c><c><v>2</v></c></row>")
    settings.KTTT_IMPORT_MAX_ROWS = 2

    with pytest.raises(BadFile) as refused:
        check_file(path)

    assert "có ô ở dòng 3, cột 1 (A)" in str(refused.value.problems[0])


@pytest.mark.parametrize(
    "row",
    [
        # attributes before the reference, whitespace, single quotes
        '<row r="3"><c s="0" r="XFD1048576"><v>1</v></c></row>',
        "<row r='3'><c\n r = 'XFD1048576'><v>1</v></c></row>",
        # a namespace prefix on the cells
        '<x:row xmlns:x="{MAIN}" r="3"><x:c r="XFD1048576"><x:v>1</x:v></x:c></x:row>',
        # leading zeros in the reference
        '<row r="3"><c r="XFD0001048576"><v>1</v></c></row>',
        # a '>' inside an attribute value
        '<row r="3"><c r="XFD1048576" t="n" cm="a>b"><v>1</v></c></row>',
    ],
)
def test_a_far_cell_written_in_another_way_is_refused_too(tmp_path, row):
    path = hostile(tmp_path, row.replace("{MAIN}", MAIN))

    with pytest.raises(BadFile) as refused:
        check_file(path)

    assert str(refused.value.problems[0]) == FAR_CELL


@pytest.mark.parametrize(
    "cell",
    ['<c r="A3" r="XFD1048576">', '<c r="A3" t="n>" r="XFD1048576">', "<c r=\"A3\" r='XFD1'>"],
)
def test_a_cell_with_two_references_is_refused(tmp_path, cell):
    # Invalid XML that calamine still reads, taking the later reference.
    path = hostile(tmp_path, f'<row r="3">{cell}<v>1</v></c></row>')

    with pytest.raises(BadFile) as refused:
        check_file(path)

    assert str(refused.value.problems[0]) == "trang HTX: Không đọc được trang này."


def test_a_far_cell_in_a_sheet_the_import_does_not_read_is_left_alone(tmp_path):
    """Only the template sheets are bounded: calamine reads no other sheet."""
    path = tmp_path / "other.xlsx"
    with zipfile.ZipFile(hostile(tmp_path, "")) as source, zipfile.ZipFile(path, "w") as target:
        for item in source.infolist():
            data = source.read(item).decode()
            if item.filename == "xl/workbook.xml":
                data = data.replace(
                    "</sheets>", '<sheet name="Ghi chú" sheetId="2" r:id="rId2"/></sheets>'
                )
            elif item.filename == "xl/_rels/workbook.xml.rels":
                data = data.replace(
                    "</Relationships>",
                    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/'
                    'officeDocument/2006/relationships/worksheet" Target="worksheets/sheet2.xml"/>'
                    "</Relationships>",
                )
            target.writestr(item, data)
        target.writestr(
            "xl/worksheets/sheet2.xml",
            f'<worksheet xmlns="{MAIN}"><sheetData><row r="1048576">'
            '<c r="XFD1048576"><v>1</v></c></row></sheetData></worksheet>',
        )
    code = (
        "import django; django.setup(); from pathlib import Path;"
        "from kttt.registry.excel.reading import open_workbook;"
        f"sheets, problems = open_workbook(Path({str(path)!r})); print(sorted(sheets), problems)"
    )

    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "kttt.settings"},
        check=False,
        timeout=120,
        preexec_fn=_capped,
    )

    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "['HTX'] []"


@pytest.mark.parametrize(("max_rows", "max_columns"), [(200_000, 60), (39, 10), (1, 1), (99, 703)])
def test_the_quick_bound_pattern_agrees_with_arithmetic(max_rows, max_columns):
    beyond = _beyond(max_rows, max_columns)
    for row in {1, 2, 9, 10, 38, 39, 40, 99, 100, 199_999, 200_000, 200_001, 1_048_576}:
        for column in {1, 2, 9, 10, 11, 26, 27, 59, 60, 61, 702, 703, 704, 16_384}:
            ref = f"{column_letter(column - 1)}{row}"
            expected = row > max_rows or column > max_columns
            assert bool(beyond.search(f'<c r="{ref}">'.encode())) == expected, ref


@pytest.mark.django_db
def test_a_dimension_claiming_the_whole_sheet_is_judged_by_its_real_cells(tmp_path, phong_tho):
    """Real cells in A1:I2 only: the bound lets it through, and the normal checks import
    the one cooperative."""
    path = hostile(tmp_path, "", dimension="A1:XFD1048576")

    check_file(path)
    plan = plan_import(path)

    assert plan.problems == []
    assert plan.counts["HTX"].created == 1


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = PLAIN_STORAGES
    return settings.MEDIA_ROOT


@pytest.mark.django_db
def test_the_upload_page_shows_the_refusal_and_keeps_no_file(client, tmp_path, media, phong_tho):
    client.force_login(factories.user_with_role(Role.PLANNING, area_code="109"))

    with far_cell(tmp_path).open("rb") as handle:
        response = client.post("/nhap-excel/", {"file": handle})

    assert response.status_code == 200
    page = response.content.decode()
    assert "có ô ở dòng 1.048.576, cột 16.384 (XFD): vượt giới hạn 200.000 dòng" in page
    assert "Xác nhận nhập" not in page
    assert list((media / "imports").iterdir()) == []
    assert Entity.objects.count() == 0
