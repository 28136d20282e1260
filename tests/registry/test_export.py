"""The Excel export (DOMAIN.md §6): the import template, typed cells, no formulas, and a
round trip through an empty database that gives the same workbook."""

import datetime as dt
import io
import re
import zipfile
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from django.core.management import call_command

from kttt.registry import services
from kttt.registry.excel import export_workbook, run_import
from kttt.registry.models import Entity, Kind, OcopProduct, Sector, Status
from tests import factories
from tests.registry.test_import import HTX_HEADER, OCOP_HEADER, YEARLY_HEADER


def midnight(year: int, month: int, date: int) -> dt.datetime:
    """How openpyxl reads a date cell back: a naive datetime at midnight."""
    return dt.datetime(year, month, date)  # noqa: DTZ001 - a calendar day, not a moment


def values(path: Path) -> dict[str, list[list[object]]]:
    book = openpyxl.load_workbook(path)
    return {
        sheet.title: [[cell.value for cell in row] for row in sheet.iter_rows()]
        for sheet in book.worksheets
    }


@pytest.fixture
def registry(phong_tho):
    """Three entities with history: a move, a merger, a status change, figures, OCOP."""
    first = factories.entity(
        "HTX-01",
        phong_tho.sin_suoi_ho_old,
        established=dt.date(2018, 3, 15),
        name="HTX Chè Sin Suối Hồ",
        is_model_coop=True,
    )
    Entity.objects.filter(pk=first.pk).update(
        address="Bản Sin Suối Hồ", representative="Giàng A Páo", phone="02133888999"
    )
    factories.yearly(
        first,
        2021,
        members=12,
        workers=8,
        workers_trained=3,
        managers=3,
        managers_primary=1,
        charter_capital="1500",
        revenue="2400.5",
        profit="-12.25",
        income_avg="46.5",
        tax=35,
        grade="kha",
        value_chain=True,
    )
    factories.yearly(first, 2025, members=15)
    services.move_entity(entity=first, unit=phong_tho.sin_suoi_ho_new, date=dt.date(2025, 7, 1))
    services.save_ocop(
        entity=first,
        name="Chè Shan tuyết",
        values={"stars": 4, "recognized_on": dt.date(2022, 10, 20), "level": "tinh"},
    )
    second = factories.entity(
        "HTX-02",
        phong_tho.mu_sang,
        established=dt.date(2019, 6, 1),
        kind=Kind.THT,
        sector=Sector.THUONG_MAI_DICH_VU,
        name='=HYPERLINK("http://x","bấm")',
    )
    services.move_entity(entity=second, unit=phong_tho.ban_lang, date=dt.date(2022, 12, 31))
    factories.yearly(second, 2022, members=7)
    services.change_status(entity=second, status=Status.DISSOLVED, date=dt.date(2023, 9, 1))
    third = factories.entity(
        "HTX-03",
        phong_tho.khong_lao_new,
        established=dt.date(2025, 9, 1),
        name="+84 Dịch vụ @ Khổng Lào",
    )
    services.save_ocop(
        entity=third,
        name="-Mật ong",
        values={"stars": 3, "recognized_on": dt.date(2026, 1, 5), "level": ""},
    )
    return first, second, third


@pytest.mark.django_db
def test_it_writes_the_import_template_with_typed_cells(tmp_path, registry, phong_tho):
    path = tmp_path / "out.xlsx"

    export_workbook(Entity.objects.all(), path)

    sheets = values(path)
    # The template's sheets, then the hidden lists the drop-downs read from.
    assert list(sheets) == ["HTX", "Số liệu năm", "OCOP", "Danh mục"]
    # Every contract column, with the commune's name beside its code and the registry's
    # address, representative and phone (docs/import-template.md).
    assert sheets["HTX"][0] == [
        *HTX_HEADER[:4],
        "Tên xã",
        *HTX_HEADER[4:],
        "Địa chỉ",
        "Người đại diện",
        "Điện thoại",
    ]
    assert sheets["Số liệu năm"][0] == [*YEARLY_HEADER, "Tên xã"]
    assert sheets["OCOP"][0] == OCOP_HEADER
    assert sheets["HTX"][1] == [
        "HTX-01",
        "HTX Chè Sin Suối Hồ",
        "Hợp tác xã",
        "03592",
        phong_tho.sin_suoi_ho_old.name,
        "Nông - lâm nghiệp, thủy sản",
        midnight(2018, 3, 15),
        "Đang hoạt động",
        None,
        "Có",
        "Bản Sin Suối Hồ",
        "Giàng A Páo",
        "02133888999",
    ]
    assert sheets["HTX"][2][2:] == [
        "Tổ hợp tác",
        "03568",
        phong_tho.mu_sang.name,
        "Thương mại - dịch vụ",
        midnight(2019, 6, 1),
        "Giải thể",
        midnight(2023, 9, 1),
        "Không",
        None,
        None,
        None,
    ]
    assert sheets["Số liệu năm"][1:] == [
        [
            "HTX-01",
            2021,
            12,
            8,
            3,
            3,
            1,
            None,
            None,
            None,
            1500,
            2400.5,
            -12.25,
            46.5,
            35,
            "Khá",
            "Không",
            "Có",
            "03592",
            phong_tho.sin_suoi_ho_old.name,
        ],
        # At 31/12/2025 it is in the new Xã Sin Suối Hồ (moved by the merger on 01/7/2025).
        [
            "HTX-01",
            2025,
            15,
            *[None] * 12,
            None,
            "Không",
            "Không",
            "03394",
            phong_tho.sin_suoi_ho_new.name,
        ],
        ["HTX-02", 2022, 7, *[None] * 12, None, "Không", "Không", "03577", phong_tho.ban_lang.name],
    ]
    assert sheets["OCOP"][1:] == [
        ["HTX-01", "Chè Shan tuyết", 4, midnight(2022, 10, 20), "Tỉnh"],
        ["HTX-03", "-Mật ong", 3, midnight(2026, 1, 5), None],
    ]
    sheet = openpyxl.load_workbook(path)["HTX"]
    assert sheet["G2"].is_date
    assert sheet["G2"].number_format == "dd/mm/yyyy"
    assert openpyxl.load_workbook(path)["Số liệu năm"]["K2"].data_type == "n"


@pytest.mark.django_db
def test_it_never_writes_a_formula(tmp_path, registry):
    path = tmp_path / "out.xlsx"

    export_workbook(Entity.objects.all(), path)

    with zipfile.ZipFile(path) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/"):
                assert not re.search(rb"<f[\s>/]", archive.read(name)), name
    book = openpyxl.load_workbook(path)
    name_cell = book["HTX"]["B3"]
    assert name_cell.value == '=HYPERLINK("http://x","bấm")'
    assert name_cell.data_type == "s"
    assert name_cell.quotePrefix
    assert book["HTX"]["B4"].value == "+84 Dịch vụ @ Khổng Lào"
    assert book["HTX"]["B4"].data_type == "s"
    assert book["OCOP"]["B3"].value == "-Mật ong"
    assert book["OCOP"]["B3"].quotePrefix


@pytest.mark.django_db
def test_it_exports_imports_into_an_empty_database_and_exports_the_same(tmp_path, registry):
    first = tmp_path / "first.xlsx"
    export_workbook(Entity.objects.all(), first)
    Entity.objects.all().delete()

    result = run_import(first)

    assert result.applied, [str(p) for p in result.problems]
    assert Entity.objects.count() == 3
    second = tmp_path / "second.xlsx"
    export_workbook(Entity.objects.all(), second)
    assert values(second) == values(first)
    assert Entity.objects.get(code="HTX-01").reports.get(year=2021).profit == Decimal("-12.25")
    assert OcopProduct.objects.get(name="-Mật ong").level == ""


@pytest.mark.django_db
def test_it_exports_only_the_entities_of_the_queryset(tmp_path, registry):
    path = tmp_path / "out.xlsx"

    export_workbook(Entity.objects.filter(code="HTX-02"), path)

    sheets = values(path)
    assert [row[0] for row in sheets["HTX"][1:]] == ["HTX-02"]
    assert [row[:2] for row in sheets["Số liệu năm"][1:]] == [["HTX-02", 2022]]
    assert sheets["OCOP"][1:] == []


@pytest.mark.django_db
def test_it_writes_to_a_file_object(registry):
    out = io.BytesIO()

    export_workbook(Entity.objects.all(), out)

    assert zipfile.is_zipfile(io.BytesIO(out.getvalue()))


@pytest.mark.django_db
def test_it_exports_from_the_command_line(tmp_path, registry):
    path = tmp_path / "so-htx.xlsx"
    out = io.StringIO()

    call_command("export", str(path), stdout=out)

    assert "Đã xuất 3 HTX" in out.getvalue()
    assert len(values(path)["HTX"]) == 4
