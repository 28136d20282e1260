"""The Excel import (DOMAIN.md §6): real .xlsx files written with openpyxl, a real database,
reference units from the migration. Every refusal is checked for its message and for the
database being left exactly as it was."""

import datetime as dt
import io
import os
import subprocess
import sys
import unicodedata
import zipfile
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from django.core.management import CommandError, call_command

from kttt.access.registry import entities_writable_by
from kttt.access.scope import Scope
from kttt.accounts.models import Role
from kttt.registry import services
from kttt.registry.excel import plan_import
from kttt.registry.models import (
    AuditEntry,
    Entity,
    Location,
    OcopProduct,
    Status,
    StatusChange,
    YearlyReport,
)
from tests import factories
from tests.web import PLAIN_STORAGES

HTX_HEADER = [
    "Mã số HTX",
    "Tên",
    "Loại hình",
    "Mã xã",
    "Lĩnh vực",
    "Ngày thành lập",
    "Trạng thái",
    "Ngày đổi trạng thái",
    "HTX kiểu mới (QĐ 167)",
]
YEARLY_HEADER = [
    "Mã số HTX",
    "Năm",
    "Số thành viên",
    "Lao động thường xuyên",
    "Lao động qua đào tạo nghề",
    "Cán bộ quản lý",
    "CBQL sơ cấp",
    "CBQL trung cấp",
    "CBQL cao đẳng",
    "CBQL đại học trở lên",
    "Vốn điều lệ (triệu đồng)",
    "Doanh thu (triệu đồng)",
    "Lợi nhuận (triệu đồng)",
    "Thu nhập bình quân (triệu đồng/người/năm)",
    "Nộp ngân sách (triệu đồng)",
    "Xếp loại",
    "Ứng dụng công nghệ cao",
    "Liên kết chuỗi giá trị",
    "Mã xã",
]
OCOP_HEADER = ["Mã số HTX", "Tên sản phẩm", "Số sao", "Ngày công nhận", "Cấp công nhận"]


def htx(
    code: str = "HTX-01",
    name: Any = "HTX Chè Shan tuyết Sì Lở Lầu",
    kind: Any = "Hợp tác xã",
    commune: Any = "3550",
    sector: Any = "Nông - lâm nghiệp, thủy sản",
    established: Any = "15/03/2018",
    status: Any = None,
    status_date: Any = None,
    model: Any = "Không",
) -> list[Any]:
    return [code, name, kind, commune, sector, established, status, status_date, model]


def yearly(code: str = "HTX-01", year: Any = 2021, **values: Any) -> list[Any]:
    row = {
        "members": 12,
        "workers": 8,
        "workers_trained": 3,
        "managers": 3,
        "managers_primary": 1,
        "managers_intermediate": 1,
        "managers_college": None,
        "managers_university": None,
        "capital": 1500,
        "revenue": 2400.5,
        "profit": 120,
        "income": 46.5,
        "tax": 35,
        "grade": "Khá",
        "hightech": "Không",
        "chain": "Có",
        "commune": None,
    }
    row.update(values)
    return [code, year, *row.values()]


def ocop(
    code: str = "HTX-01",
    name: Any = "Chè Shan tuyết",
    stars: Any = 4,
    recognized: Any = "20/10/2022",
    level: Any = "Tỉnh",
) -> list[Any]:
    return [code, name, stars, recognized, level]


def workbook(tmp_path: Path, sheets: dict[str, list[list[Any]]], name: str = "in.xlsx") -> Path:
    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    path = tmp_path / name
    book.save(path)
    return path


def standard(tmp_path: Path, htx_rows=None, yearly_rows=None, ocop_rows=None) -> Path:
    sheets = {"HTX": [HTX_HEADER, *(htx_rows if htx_rows is not None else [htx()])]}
    if yearly_rows is not None:
        sheets["Số liệu năm"] = [YEARLY_HEADER, *yearly_rows]
    if ocop_rows is not None:
        sheets["OCOP"] = [OCOP_HEADER, *ocop_rows]
    return workbook(tmp_path, sheets)


def run(path: Path, *args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("import", str(path), *args, stdout=out, stderr=err)
    except CommandError as exc:
        return exc.returncode, out.getvalue(), err.getvalue() + str(exc)
    return 0, out.getvalue(), err.getvalue()


def snapshot() -> tuple[Any, ...]:
    return (
        list(Entity.objects.order_by("code").values_list("code", "name", "established_on")),
        list(Location.objects.order_by("pk").values_list("entity", "unit", "valid_from")),
        list(StatusChange.objects.order_by("pk").values_list("entity", "status", "date")),
        list(YearlyReport.objects.order_by("pk").values_list("entity", "year", "members")),
        list(OcopProduct.objects.order_by("pk").values_list("entity", "name", "stars")),
        AuditEntry.objects.count(),
    )


def refused(path: Path, *expected: str) -> str:
    """Import must fail with exit 1, print every expected fragment, and write nothing."""
    before = snapshot()
    code, _out, err = run(path)
    assert code == 1, err
    for fragment in expected:
        assert fragment in err, f"{fragment!r} not in:\n{err}"
    assert snapshot() == before
    return err


# --- what a good file does --------------------------------------------------------------


@pytest.mark.django_db
def test_it_creates_entities_yearly_rows_and_ocop_products(tmp_path, phong_tho):
    path = standard(
        tmp_path,
        htx_rows=[
            htx(),
            htx(
                "HTX-02",
                name="HTX Dịch vụ Mù Sang",
                commune=3568,
                sector="thuong_mai_dich_vu",
                established=dt.date(2019, 6, 1),
                model="Có",
            ),
        ],
        yearly_rows=[yearly(), yearly(year=2022, members=14)],
        ocop_rows=[ocop()],
    )

    code, out, err = run(path)

    assert code == 0, err
    assert "HTX: 2 tạo mới, 0 cập nhật, 0 không đổi" in out
    assert "Số liệu năm: 2 tạo mới, 0 cập nhật, 0 không đổi" in out
    assert "OCOP: 1 tạo mới, 0 cập nhật, 0 không đổi" in out
    first = Entity.objects.get(code="HTX-01")
    assert (first.name, first.kind, first.sector) == (
        "HTX Chè Shan tuyết Sì Lở Lầu",
        "htx",
        "nong_nghiep",
    )
    assert first.established_on == dt.date(2018, 3, 15)
    assert not first.is_model_coop
    location = first.locations.get()
    assert (location.unit.name, location.valid_from) == ("Xã Sì Lở Lầu", dt.date(2018, 3, 15))
    second = Entity.objects.get(code="HTX-02")
    assert second.is_model_coop
    assert second.sector == "thuong_mai_dich_vu"
    assert second.locations.get().unit == phong_tho.mu_sang
    report = first.reports.get(year=2021)
    assert (report.members, report.workers, report.workers_trained) == (12, 8, 3)
    assert (report.managers_primary, report.managers_college) == (1, None)
    assert report.revenue == Decimal("2400.5")
    assert (report.grade, report.hightech, report.value_chain) == ("kha", False, True)
    product = first.ocop_products.get()
    assert (product.name, product.stars, product.level) == ("Chè Shan tuyết", 4, "tinh")
    assert product.recognized_on == dt.date(2022, 10, 20)
    sources = set(AuditEntry.objects.values_list("source", flat=True))
    assert sources == {"import"}
    targets = sorted(AuditEntry.objects.filter(entity=first).values_list("target", flat=True))
    assert targets == ["entity", "ocop:Chè Shan tuyết", "yearly:2021", "yearly:2022"]


@pytest.mark.django_db
def test_it_dry_run_counts_and_writes_nothing(tmp_path, phong_tho):
    factories.entity(
        "HTX-02", phong_tho.mu_sang, established=dt.date(2019, 6, 1), name="HTX Dịch vụ Mù Sang"
    )
    path = standard(
        tmp_path,
        htx_rows=[
            htx(),
            htx(
                "HTX-02",
                name="HTX Dịch vụ Mù Sang mới",
                commune=None,
                kind=None,
                sector=None,
                established=None,
            ),
        ],
        yearly_rows=[yearly(), yearly("HTX-02")],
    )
    before = snapshot()

    code, out, err = run(path, "--dry-run")

    assert code == 0, err
    assert "Chưa ghi gì" in out
    assert "HTX: 1 tạo mới, 1 cập nhật, 0 không đổi" in out
    assert "Số liệu năm: 2 tạo mới, 0 cập nhật, 0 không đổi" in out
    assert "OCOP" not in out
    assert snapshot() == before


@pytest.mark.django_db
def test_it_leaves_identical_rows_unchanged_and_updates_changed_ones(tmp_path, phong_tho):
    path = standard(tmp_path, yearly_rows=[yearly(), yearly(year=2022)], ocop_rows=[ocop()])
    assert run(path)[0] == 0
    audits = AuditEntry.objects.count()

    code, out, _err = run(path)
    assert code == 0
    assert "HTX: 0 tạo mới, 0 cập nhật, 1 không đổi" in out
    assert "Số liệu năm: 0 tạo mới, 0 cập nhật, 2 không đổi" in out
    assert "OCOP: 0 tạo mới, 0 cập nhật, 1 không đổi" in out
    assert AuditEntry.objects.count() == audits

    changed = standard(
        tmp_path,
        htx_rows=[htx(name="HTX Chè Sì Lở Lầu")],
        yearly_rows=[yearly(members=20), yearly(year=2022)],
        ocop_rows=[ocop(stars=5, level="Trung ương")],
    )
    code, out, _err = run(changed)
    assert code == 0
    assert "HTX: 0 tạo mới, 1 cập nhật, 0 không đổi" in out
    assert "Số liệu năm: 0 tạo mới, 1 cập nhật, 1 không đổi" in out
    assert "OCOP: 0 tạo mới, 1 cập nhật, 0 không đổi" in out
    entity = Entity.objects.get(code="HTX-01")
    assert entity.name == "HTX Chè Sì Lở Lầu"
    assert entity.search_text.startswith("htx che si lo lau")
    assert entity.reports.get(year=2021).members == 20
    assert entity.ocop_products.get().stars == 5
    updates = AuditEntry.objects.filter(action="update").order_by("target")
    assert [(a.target, a.changes) for a in updates] == [
        ("entity", {"name": ["HTX Chè Shan tuyết Sì Lở Lầu", "HTX Chè Sì Lở Lầu"]}),
        ("ocop:Chè Shan tuyết", {"stars": [4, 5], "level": ["tinh", "trung_uong"]}),
        ("yearly:2021", {"members": [12, 20]}),
    ]


@pytest.mark.django_db
def test_it_reads_vietnamese_numbers_text_dates_and_any_unicode_form(tmp_path, phong_tho):
    nfd = unicodedata.normalize("NFD", "  HTX Nông nghiệp Hoàng Thèn  ")
    path = standard(
        tmp_path,
        htx_rows=[
            htx(
                name=nfd,
                kind="hop tac xa",
                sector="NONG NGHIEP",
                established="05/03/2018",
                model="có",
            )
        ],
        yearly_rows=[
            yearly(
                capital="63.090",
                income="46,5",
                revenue="1.234,5",
                profit="-46.5",
                tax=" 1.152 ",
                members="213",
                grade="KHÁ",
                hightech="co",
                chain=" KHÔNG ",
            )
        ],
    )

    code, _out, err = run(path)

    assert code == 0, err
    entity = Entity.objects.get()
    assert entity.name == "HTX Nông nghiệp Hoàng Thèn"
    assert entity.name == unicodedata.normalize("NFC", entity.name)
    assert (entity.kind, entity.sector, entity.is_model_coop) == ("htx", "nong_nghiep", True)
    assert entity.established_on == dt.date(2018, 3, 5)
    report = entity.reports.get()
    assert report.charter_capital == Decimal(63090)
    assert report.income_avg == Decimal("46.5")
    assert report.revenue == Decimal("1234.5")
    assert report.profit == Decimal("-46.5")
    assert report.tax == Decimal(1152)
    assert report.members == 213
    assert (report.grade, report.hightech, report.value_chain) == ("kha", True, False)


@pytest.mark.django_db
def test_it_matches_headers_ignoring_case_spaces_unicode_form_and_order(tmp_path, phong_tho):
    header = [unicodedata.normalize("NFD", f"  {h.upper()} ") for h in reversed(HTX_HEADER)]
    path = workbook(tmp_path, {"htx": [header, list(reversed(htx()))]})

    code, _out, err = run(path)

    assert code == 0, err
    assert Entity.objects.get().name == "HTX Chè Shan tuyết Sì Lở Lầu"


@pytest.mark.django_db
def test_it_accepts_a_sheet_with_only_its_header(tmp_path, phong_tho):
    path = standard(tmp_path, htx_rows=[], yearly_rows=[], ocop_rows=[])

    code, out, err = run(path)

    assert code == 0, err
    assert "HTX: 0 tạo mới, 0 cập nhật, 0 không đổi" in out
    assert Entity.objects.count() == 0


@pytest.mark.django_db
def test_it_skips_blank_rows_and_numbers_rows_as_excel_does(tmp_path, phong_tho):
    path = standard(tmp_path, htx_rows=[[], htx(), [None] * 9, htx("HTX-02", kind="Xe tải")])

    err = refused(path, "trang HTX, dòng 5, cột C (Loại hình): “Xe tải” không phải loại hình")

    assert "dòng 3" not in err


# --- communes read at the right date ---------------------------------------------------


@pytest.mark.django_db
def test_it_reads_the_commune_code_as_of_the_establishment_date(tmp_path, phong_tho):
    path = standard(
        tmp_path,
        htx_rows=[
            htx("OLD-1", commune="3549", established="01/01/2020"),
            htx("NEW-1", commune="03549", established="01/08/2025"),
        ],
    )

    code, _out, err = run(path)

    assert code == 0, err
    assert Entity.objects.get(code="OLD-1").locations.get().unit == phong_tho.tt_phong_tho
    assert Entity.objects.get(code="NEW-1").locations.get().unit == phong_tho.xa_phong_tho


@pytest.mark.django_db
def test_it_refuses_a_code_that_names_a_commune_only_at_another_date(tmp_path, phong_tho):
    path = standard(tmp_path, htx_rows=[htx(commune="3550", established="01/02/2026")])

    # Read at 01/02/2026 the code 3550 names Xã Sì Lở Lầu, which ended on 30/06/2025.
    refused(path, "cột D (Mã xã): Xã Sì Lở Lầu không tồn tại vào ngày 01/02/2026")


@pytest.mark.django_db
def test_it_refuses_an_unknown_commune_code(tmp_path, phong_tho):
    path = standard(tmp_path, htx_rows=[htx(commune="99999"), htx("HTX-02", commune="35a")])

    refused(
        path,
        "dòng 2, cột D (Mã xã): không có xã, phường, thị trấn mã 99999 vào ngày 15/03/2018",
        "dòng 3, cột D (Mã xã): mã xã “35a” không hợp lệ",
    )


@pytest.mark.django_db
def test_it_corrects_the_first_location_of_an_existing_entity(tmp_path, phong_tho):
    entity = factories.entity(
        "HTX-01",
        phong_tho.mu_sang,
        established=dt.date(2018, 3, 15),
        name="HTX Chè Shan tuyết Sì Lở Lầu",
    )
    path = standard(tmp_path, htx_rows=[htx(commune="3550", established="10/03/2018")])

    code, out, err = run(path)

    assert code == 0, err
    assert "HTX: 0 tạo mới, 1 cập nhật, 0 không đổi" in out
    location = entity.locations.get()
    assert location.unit.name == "Xã Sì Lở Lầu"
    assert location.valid_from == dt.date(2018, 3, 10)
    entity.refresh_from_db()
    assert entity.established_on == dt.date(2018, 3, 10)


@pytest.mark.django_db
def test_it_records_a_move_at_year_end_when_the_yearly_commune_differs(tmp_path, phong_tho):
    path = standard(
        tmp_path,
        htx_rows=[htx(commune="3550", established="15/03/2018")],
        yearly_rows=[
            yearly(year=2022, commune="3568"),  # moved to Mù Sang during 2022
            yearly(year=2021, commune="3550"),  # where it already was: nothing to record
            yearly(year=2023),  # no commune: no move
            yearly(year=2025, commune="3549"),  # after the reform: Xã Phong Thổ
        ],
    )

    code, out, err = run(path)

    assert code == 0, err
    assert "Số liệu năm: 4 tạo mới" in out
    rows = list(
        Entity.objects.get()
        .locations.order_by("valid_from")
        .values_list("valid_from", "unit__name")
    )
    assert rows == [
        (dt.date(2018, 3, 15), "Xã Sì Lở Lầu"),
        (dt.date(2022, 12, 31), "Xã Mù Sang"),
        (dt.date(2025, 12, 31), "Xã Phong Thổ"),
    ]
    moves = AuditEntry.objects.filter(target="location").count()
    assert moves == 2


@pytest.mark.django_db
def test_an_imported_move_ends_the_previous_location_for_the_figures(tmp_path, phong_tho):
    from kttt.areas.services import resolve_area
    from kttt.registry.queries import in_area

    path = standard(
        tmp_path,
        htx_rows=[htx(commune="3550", established="15/03/2018")],
        yearly_rows=[yearly(year=2021), yearly(year=2022, commune="3568")],
    )
    assert run(path)[0] == 0

    def found(code: str, year: int) -> bool:
        return in_area(Entity.objects.all(), resolve_area(code, dt.date(year, 12, 31))).exists()

    assert (found("3550", 2021), found("3568", 2021)) == (True, False)
    # On 31/12/2022 it is in Mù Sang only, not in both communes.
    assert (found("3550", 2022), found("3568", 2022)) == (False, True)


@pytest.mark.django_db
def test_it_refuses_a_yearly_row_before_the_establishment_year(tmp_path, phong_tho):
    path = standard(tmp_path, yearly_rows=[yearly(year=2017)])

    refused(path, "Số liệu năm, dòng 2, cột B (Năm): năm 2017 trước năm thành lập")


# --- status history ----------------------------------------------------------------------


@pytest.mark.django_db
def test_it_adds_a_status_change_and_never_rewrites_history(tmp_path, phong_tho):
    entity = factories.entity("HTX-01", phong_tho.sin_suoi_ho_old, established=dt.date(2018, 3, 15))
    StatusChange.objects.create(entity=entity, status=Status.PAUSED, date=dt.date(2021, 5, 1))
    path = standard(
        tmp_path,
        htx_rows=[htx(commune=None, name=None, status="giải thể", status_date="30/06/2023")],
    )

    code, out, err = run(path)

    assert code == 0, err
    assert "HTX: 0 tạo mới, 1 cập nhật, 0 không đổi" in out
    history = list(entity.status_changes.order_by("date").values_list("status", "date"))
    assert history == [("paused", dt.date(2021, 5, 1)), ("dissolved", dt.date(2023, 6, 30))]
    assert run(path)[1].count("1 không đổi") == 1  # importing again changes nothing


@pytest.mark.django_db
def test_it_creates_a_new_entity_with_its_status(tmp_path, phong_tho):
    path = standard(
        tmp_path, htx_rows=[htx(status="Tạm ngừng hoạt động", status_date=dt.date(2020, 1, 2))]
    )

    assert run(path)[0] == 0

    change = StatusChange.objects.get()
    assert (change.status, change.date) == ("paused", dt.date(2020, 1, 2))


@pytest.mark.django_db
def test_it_refuses_a_status_without_its_date(tmp_path, phong_tho):
    path = standard(tmp_path, htx_rows=[htx(status="Giải thể")])

    refused(
        path,
        "cột H (Ngày đổi trạng thái): chưa nhập ngày đổi trạng thái (bắt buộc khi "
        "trạng thái là “Giải thể”)",
    )


@pytest.mark.django_db
def test_it_refuses_a_return_to_active_without_its_date(tmp_path, phong_tho):
    entity = factories.entity("HTX-01", phong_tho.sin_suoi_ho_old, established=dt.date(2018, 3, 15))
    StatusChange.objects.create(entity=entity, status=Status.PAUSED, date=dt.date(2021, 5, 1))
    path = standard(tmp_path, htx_rows=[htx(status="Đang hoạt động")])

    refused(path, "chưa nhập ngày đổi trạng thái (bắt buộc khi chuyển lại “Đang hoạt động”)")


@pytest.mark.django_db
def test_it_refuses_a_status_change_dated_before_the_latest_one(tmp_path, phong_tho):
    entity = factories.entity("HTX-01", phong_tho.sin_suoi_ho_old, established=dt.date(2018, 3, 15))
    StatusChange.objects.create(entity=entity, status=Status.PAUSED, date=dt.date(2021, 5, 1))
    path = standard(tmp_path, htx_rows=[htx(status="Giải thể", status_date="01/01/2020")])

    refused(
        path, "ngày đổi trạng thái phải sau lần đổi trạng thái đã ghi nhận gần nhất (01/05/2021)"
    )


@pytest.mark.django_db
def test_it_refuses_a_status_that_does_not_exist(tmp_path, phong_tho):
    path = standard(tmp_path, htx_rows=[htx(status="Ngủ đông", status_date="01/01/2020")])

    refused(path, "cột G (Trạng thái): “Ngủ đông” không phải trạng thái hợp lệ")


# --- refusals: the file itself -------------------------------------------------------------


@pytest.mark.django_db
def test_it_refuses_a_text_file_renamed_xlsx(tmp_path, phong_tho):
    path = tmp_path / "danh-sach.xlsx"
    path.write_text("Mã số HTX;Tên\nHTX-01;HTX A\n", encoding="utf-8")

    refused(path, "Tệp không phải là bảng tính Excel .xlsx")


@pytest.mark.django_db
def test_it_refuses_a_pdf(tmp_path, phong_tho):
    path = tmp_path / "bao-cao.xlsx"
    path.write_bytes(b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer\n%%EOF\n")

    refused(path, "Tệp không phải là bảng tính Excel .xlsx")


@pytest.mark.django_db
def test_it_refuses_a_zip_that_is_not_a_workbook(tmp_path, phong_tho):
    path = tmp_path / "nen.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("readme.txt", "không phải Excel")

    refused(path, "Tệp không phải là bảng tính Excel .xlsx")


@pytest.mark.django_db
def test_it_refuses_a_damaged_workbook(tmp_path, phong_tho):
    good = standard(tmp_path)
    path = tmp_path / "hong.xlsx"
    with zipfile.ZipFile(good) as source, zipfile.ZipFile(path, "w") as target:
        for item in source.infolist():
            data = source.read(item)
            if item.filename.startswith("xl/worksheets/"):
                data = data[: len(data) // 2]
            target.writestr(item, data)

    err = refused(path)

    assert "Traceback" not in err
    assert "Không đọc được" in err or "không" in err


@pytest.mark.django_db
def test_it_refuses_an_empty_workbook(tmp_path, phong_tho):
    path = tmp_path / "trong.xlsx"
    openpyxl.Workbook().save(path)

    refused(path, "thiếu trang “HTX”")


@pytest.mark.django_db
def test_it_refuses_a_workbook_without_the_htx_sheet(tmp_path, phong_tho):
    path = workbook(tmp_path, {"Số liệu năm": [YEARLY_HEADER, yearly()]})

    err = refused(path, "thiếu trang “HTX”")

    assert "không có HTX mã" not in err  # no false problem per row


@pytest.mark.django_db
def test_it_refuses_an_empty_htx_sheet(tmp_path, phong_tho):
    path = workbook(tmp_path, {"HTX": []})

    refused(path, "trang HTX, dòng 1: dòng 1 phải là dòng tiêu đề của mẫu nhưng đang trống")


@pytest.mark.django_db
def test_it_refuses_a_missing_column(tmp_path, phong_tho):
    header = [h for h in HTX_HEADER if h != "Lĩnh vực"]
    row = htx()
    del row[4]
    path = workbook(tmp_path, {"HTX": [header, row]})

    refused(path, "trang HTX, dòng 1, cột Lĩnh vực: thiếu cột “Lĩnh vực”")


@pytest.mark.django_db
def test_it_refuses_an_unknown_or_repeated_column(tmp_path, phong_tho):
    path = workbook(
        tmp_path,
        {
            "HTX": [[*HTX_HEADER, "Ghi chú", "tên"], [*htx(), "x", "y"]],
        },
    )

    refused(
        path,
        "trang HTX, dòng 1, cột J: cột “Ghi chú” không có trong mẫu",
        "trang HTX, dòng 1, cột K (Tên): cột “Tên” có hai lần",
    )


@pytest.mark.django_db
def test_it_refuses_data_in_a_column_without_header(tmp_path, phong_tho):
    path = workbook(tmp_path, {"HTX": [HTX_HEADER, [*htx(), None, "lạc chỗ"]]})

    refused(path, "trang HTX, dòng 2, cột K: ô có dữ liệu nhưng cột không có tiêu đề")


@pytest.mark.django_db
def test_it_refuses_a_formula_cell(tmp_path, phong_tho):
    path = standard(tmp_path, yearly_rows=[yearly(members="=5+7")])

    refused(path, "trang Số liệu năm, dòng 2, cột C (Số thành viên): ô chứa công thức")


@pytest.mark.django_db
def test_it_refuses_a_file_larger_than_the_limit(tmp_path, phong_tho, settings):
    path = standard(tmp_path)
    settings.KTTT_IMPORT_MAX_BYTES = path.stat().st_size - 1

    refused(path, "Tệp quá lớn")


@pytest.mark.django_db
def test_it_refuses_a_zip_bomb_before_parsing_it(tmp_path, phong_tho, settings):
    # The bomb is made small by lowering the limit: a sheet of 2 MB of zeros compresses to
    # a few KB, so the inflated size is far beyond the compressed one.
    settings.KTTT_IMPORT_MAX_UNCOMPRESSED_BYTES = 1024 * 1024
    good = standard(tmp_path)
    path = tmp_path / "bom.xlsx"
    with (
        zipfile.ZipFile(good) as source,
        zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as target,
    ):
        for item in source.infolist():
            target.writestr(item.filename, source.read(item))
        target.writestr("xl/media/padding.bin", b"\0" * (2 * 1024 * 1024))
    assert path.stat().st_size < 100_000

    refused(path, "Tệp giải nén ra quá lớn")


# --- refusals: cells ---------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("values", "fragment"),
    [
        ({"members": "mười hai"}, "cột C (Số thành viên): “mười hai” không phải là số"),
        ({"members": -1}, "cột C (Số thành viên): không được âm"),
        ({"members": 2.5}, "cột C (Số thành viên): phải là số nguyên"),
        (
            {"workers": 10**15, "workers_trained": None},
            "cột D (Lao động thường xuyên): vượt quá giới hạn 1.000.000",
        ),
        ({"revenue": 1_000_000_001}, "cột L (Doanh thu (triệu đồng)): vượt quá giới hạn ±"),
        ({"profit": "-1.000.000.001"}, "cột M (Lợi nhuận (triệu đồng)): vượt quá giới hạn ±"),
        ({"capital": -5}, "cột K (Vốn điều lệ (triệu đồng)): không được âm"),
        (
            {"workers": 3, "workers_trained": 5},
            "cột E (Lao động qua đào tạo nghề): lao động qua đào tạo (5) nhiều hơn lao động "
            "thường xuyên (3)",
        ),
        (
            {
                "managers": 2,
                "managers_primary": 2,
                "managers_intermediate": None,
                "managers_university": 1,
            },
            "cột F (Cán bộ quản lý): tổng cán bộ quản lý theo trình độ (3) nhiều hơn số cán bộ "
            "quản lý (2)",
        ),
        ({"grade": "Xuất sắc"}, "cột P (Xếp loại): “Xuất sắc” không phải xếp loại hợp lệ"),
        ({"hightech": "có lẽ"}, "cột Q (Ứng dụng công nghệ cao): “có lẽ” phải là Có hoặc Không"),
        ({"members": dt.date(2021, 1, 1)}, "cột C (Số thành viên): phải là một số, không phải"),
    ],
)
def test_it_refuses_bad_yearly_figures(tmp_path, phong_tho, values, fragment):
    path = standard(tmp_path, yearly_rows=[yearly(**values)])

    refused(path, f"trang Số liệu năm, dòng 2, {fragment}")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("year", "message"),
    [
        (1949, "năm phải từ 1950 đến 2027"),
        (2028, "năm phải từ 1950 đến 2027"),
        (2021.5, "năm phải từ 1950 đến 2027"),
        ("năm ngoái", "“năm ngoái” không phải là số"),
        (None, "chưa nhập năm"),
    ],
)
def test_it_refuses_a_year_out_of_range(tmp_path, phong_tho, year, message):
    path = standard(
        tmp_path, htx_rows=[htx(established="01/01/1950")], yearly_rows=[yearly(year=year)]
    )

    refused(path, f"trang Số liệu năm, dòng 2, cột B (Năm): {message}")


@pytest.mark.django_db
def test_it_refuses_an_impossible_date(tmp_path, phong_tho):
    path = standard(tmp_path, htx_rows=[htx(established="31/02/2021")])

    refused(path, "cột F (Ngày thành lập): ngày “31/02/2021” không tồn tại")


@pytest.mark.django_db
def test_it_refuses_a_date_that_is_not_a_date(tmp_path, phong_tho):
    path = standard(tmp_path, htx_rows=[htx(established="mùa xuân 2021")])

    refused(path, "cột F (Ngày thành lập): “mùa xuân 2021” không phải ngày theo dạng dd/mm/yyyy")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("code", "fragment"),
    [
        ("HTX 01", "mã “HTX 01” chỉ được gồm chữ, số, dấu gạch ngang và tối đa 20 ký tự"),
        ("HTX-0123456789-ABCDEF", "mã “HTX-0123456789-ABCDEF” chỉ được gồm chữ, số"),
        ("HTX/01", "mã “HTX/01” chỉ được gồm"),
    ],
)
def test_it_refuses_a_malformed_code(tmp_path, phong_tho, code, fragment):
    path = standard(tmp_path, htx_rows=[htx(code=code)])

    refused(path, f"trang HTX, dòng 2, cột A (Mã số HTX): {fragment}")


@pytest.mark.django_db
def test_it_refuses_a_new_entity_without_its_required_cells(tmp_path, phong_tho):
    path = standard(
        tmp_path, htx_rows=[htx(name=None, kind=None, commune=None, sector=None, established=None)]
    )

    refused(
        path,
        "cột B (Tên): chưa nhập tên (bắt buộc với HTX mới)",
        "cột C (Loại hình): chưa nhập loại hình (bắt buộc với HTX mới)",
        "cột D (Mã xã): chưa nhập mã xã (bắt buộc với HTX mới)",
        "cột E (Lĩnh vực): chưa nhập lĩnh vực (bắt buộc với HTX mới)",
        "cột F (Ngày thành lập): chưa nhập ngày thành lập (bắt buộc với HTX mới)",
    )


@pytest.mark.django_db
def test_it_refuses_an_unknown_sector_or_kind(tmp_path, phong_tho):
    path = standard(tmp_path, htx_rows=[htx(sector="Du hành vũ trụ", kind="Công ty")])

    refused(
        path,
        "cột C (Loại hình): “Công ty” không phải loại hình hợp lệ",
        "cột E (Lĩnh vực): “Du hành vũ trụ” không phải lĩnh vực hợp lệ",
    )


@pytest.mark.django_db
@pytest.mark.parametrize("stars", [2, 6, "năm"])
def test_it_refuses_ocop_stars_outside_3_to_5(tmp_path, phong_tho, stars):
    path = standard(tmp_path, ocop_rows=[ocop(stars=stars)])

    refused(path, "trang OCOP, dòng 2, cột C (Số sao):")


@pytest.mark.django_db
def test_it_refuses_an_ocop_product_without_date_or_with_a_bad_level(tmp_path, phong_tho):
    path = standard(tmp_path, ocop_rows=[ocop(recognized=None, level="Quốc tế")])

    refused(
        path,
        "cột D (Ngày công nhận): chưa nhập ngày công nhận",
        "cột E (Cấp công nhận): “Quốc tế” không phải cấp công nhận hợp lệ",
    )


# --- refusals: rows ----------------------------------------------------------------------


@pytest.mark.django_db
def test_it_refuses_the_same_entity_twice(tmp_path, phong_tho):
    path = standard(tmp_path, htx_rows=[htx(), htx(name="Bản khác")])

    refused(path, "trang HTX, dòng 3, cột A (Mã số HTX): mã số HTX HTX-01 đã có ở dòng 2")


@pytest.mark.django_db
def test_it_refuses_the_same_entity_and_year_twice(tmp_path, phong_tho):
    path = standard(tmp_path, yearly_rows=[yearly(), yearly(members=99)])

    refused(
        path,
        "trang Số liệu năm, dòng 3, cột B (Năm): số liệu năm 2021 của HTX HTX-01 đã có ở dòng 2",
    )


@pytest.mark.django_db
def test_it_refuses_the_same_ocop_product_twice(tmp_path, phong_tho):
    path = standard(tmp_path, ocop_rows=[ocop(), ocop(stars=5)])

    refused(
        path,
        "trang OCOP, dòng 3, cột B (Tên sản phẩm): sản phẩm “Chè Shan tuyết” của HTX "
        "HTX-01 đã có ở dòng 2",
    )


@pytest.mark.django_db
def test_it_refuses_yearly_and_ocop_rows_of_unknown_entities(tmp_path, phong_tho):
    path = standard(tmp_path, yearly_rows=[yearly("HTX-99")], ocop_rows=[ocop("HTX-98")])

    refused(
        path,
        "trang Số liệu năm, dòng 2, cột A (Mã số HTX): không có HTX mã HTX-99 trong trang HTX",
        "trang OCOP, dòng 2, cột A (Mã số HTX): không có HTX mã HTX-98 trong trang HTX",
    )


@pytest.mark.django_db
def test_it_accepts_yearly_rows_of_entities_already_in_the_registry(tmp_path, phong_tho):
    factories.entity("HTX-07", phong_tho.ban_lang, established=dt.date(2016, 1, 1))
    path = standard(tmp_path, htx_rows=[], yearly_rows=[yearly("HTX-07")])

    code, _out, err = run(path)

    assert code == 0, err
    assert YearlyReport.objects.get().entity.code == "HTX-07"


@pytest.mark.django_db
def test_it_reports_every_problem_of_the_file_at_once(tmp_path, phong_tho):
    path = standard(
        tmp_path,
        htx_rows=[htx(established="31/02/2021"), htx("HTX-02", kind="?")],
        yearly_rows=[yearly(members=-1, workers="nhiều")],
        ocop_rows=[ocop(stars=9)],
    )

    err = refused(path)

    assert "Không nhập gì vì tệp có 5 lỗi" in err
    lines = [line for line in err.splitlines() if line.startswith("trang ")]
    assert len(lines) == 5
    assert [line.split(",")[0] for line in lines] == [
        "trang HTX",
        "trang HTX",
        "trang Số liệu năm",
        "trang Số liệu năm",
        "trang OCOP",
    ]


@pytest.mark.django_db
def test_it_rolls_back_a_file_whose_last_row_is_wrong(tmp_path, phong_tho):
    rows = [htx(f"HTX-{n:02d}") for n in range(1, 30)] + [htx("HTX-99", commune="1")]
    path = standard(tmp_path, htx_rows=rows)

    refused(path, "dòng 31, cột D (Mã xã)")


# --- access --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_it_refuses_rows_outside_a_limited_users_scope(tmp_path, phong_tho):
    # A commune officer of Xã Phong Thổ (today's 3549): entities still recorded in the old
    # communes Bản Lang and Mù Sang are outside.
    other = factories.entity("HTX-07", phong_tho.ban_lang, established=dt.date(2016, 1, 1))
    factories.entity("HTX-08", phong_tho.mu_sang, established=dt.date(2016, 1, 1))
    assert not entities_writable_by(Scope.of(factories.UserFactory()), {Role.COMMUNE}).filter(
        pk=other.pk
    )
    commune_officer = factories.user_with_role(Role.COMMUNE, area_code="3549")
    path = standard(
        tmp_path,
        htx_rows=[htx("HTX-09", commune="3549", established="01/08/2025")],
        yearly_rows=[yearly("HTX-07", year=2022)],
        ocop_rows=[ocop("HTX-08")],
    )

    plan = plan_import(path, Scope.of(commune_officer))

    messages = [str(p) for p in plan.problems]
    assert (
        # Out of the territory, the cooperative looks missing (nothing says it exists).
        "trang Số liệu năm, dòng 2, cột A (Mã số HTX): không có HTX mã HTX-07 trong trang HTX "
        "của tệp hay trong sổ" in messages
    )
    assert (
        "trang OCOP, dòng 2, cột A (Mã số HTX): không có HTX mã HTX-08 trong trang HTX của tệp "
        "hay trong sổ" in messages
    )
    assert len(messages) == 2  # HTX-09 lies in Xã Phong Thổ, the officer's commune


@pytest.mark.django_db
def test_it_refuses_to_place_an_entity_in_a_commune_outside_the_scope(tmp_path, phong_tho):
    commune_officer = factories.user_with_role(Role.COMMUNE, area_code="3549")
    path = standard(tmp_path, htx_rows=[htx(commune="3571", established="01/08/2025")])

    plan = plan_import(path, Scope.of(commune_officer))

    assert [str(p) for p in plan.problems] == [
        "trang HTX, dòng 2, cột D (Mã xã): xã mã 03571 ngoài phạm vi quản lý của bạn"
    ]


# --- the command line ----------------------------------------------------------------------


def _kttt(*args: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'never-created.sqlite3'}"}
    return subprocess.run(
        [sys.executable, "-m", "kttt.manage", *args],
        capture_output=True,
        text=True,
        env=env,
        check=False,
        timeout=60,
    )


def test_it_exits_2_on_wrong_usage(tmp_path):
    assert _kttt("import", tmp_path=tmp_path).returncode == 2
    assert _kttt("import", "x.xlsx", "--no-such-option", tmp_path=tmp_path).returncode == 2
    missing = _kttt("import", str(tmp_path / "khong-co.xlsx"), tmp_path=tmp_path)
    assert missing.returncode == 2
    assert "Không tìm thấy tệp" in missing.stderr


def test_it_exits_1_and_prints_the_problem_for_a_bad_file(tmp_path):
    path = tmp_path / "a.xlsx"
    path.write_text("không phải Excel", encoding="utf-8")

    done = _kttt("import", str(path), tmp_path=tmp_path)

    assert done.returncode == 1
    assert "Tệp không phải là bảng tính Excel .xlsx" in done.stderr
    assert "Traceback" not in done.stderr


# --- the web pages -------------------------------------------------------------------------


def _upload(client, path: Path):
    with path.open("rb") as handle:
        return client.post("/nhap-excel/", {"file": handle})


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = PLAIN_STORAGES
    return settings.MEDIA_ROOT


@pytest.mark.django_db
def test_it_requires_login_and_an_import_role(client, media):
    assert client.get("/nhap-excel/").status_code == 302
    client.force_login(factories.user_with_role(Role.VIEWER, area_code="109"))
    assert client.get("/nhap-excel/").status_code == 403
    assert client.post("/nhap-excel/xac-nhan/", {"token": "abc"}).status_code == 403


@pytest.mark.django_db
def test_it_previews_then_imports_on_confirm(client, tmp_path, media, phong_tho):
    admin = factories.user_with_role(Role.ADMIN)
    client.force_login(admin)
    path = standard(tmp_path, yearly_rows=[yearly()], ocop_rows=[ocop()])
    assert client.get("/nhap-excel/").status_code == 200

    preview = _upload(client, path)

    assert preview.status_code == 200
    page = preview.content.decode()
    assert "Xác nhận nhập" in page
    assert Entity.objects.count() == 0
    counts = {s["name"]: s["counts"] for s in preview.context["sheets"]}
    assert (counts["HTX"].created, counts["Số liệu năm"].created, counts["OCOP"].created) == (
        1,
        1,
        1,
    )
    token = preview.context["token"]
    stored = media / "imports" / f"{token}.xlsx"
    assert stored.is_file()

    done = client.post("/nhap-excel/xac-nhan/", {"token": token})

    assert done.status_code == 200
    assert "Đã nhập xong" in done.content.decode()
    assert Entity.objects.get().code == "HTX-01"
    assert not stored.exists()
    audits = AuditEntry.objects.all()
    assert {(a.source, a.user_id) for a in audits} == {("import", admin.pk)}
    assert sorted(a.target for a in audits) == ["entity", "ocop:Chè Shan tuyết", "yearly:2021"]
    # The token was used: a second confirm finds nothing.
    assert client.post("/nhap-excel/xac-nhan/", {"token": token}).status_code == 404


@pytest.mark.django_db
def test_it_lists_every_problem_and_offers_no_confirm(client, tmp_path, media, phong_tho):
    client.force_login(factories.user_with_role(Role.ADMIN))
    path = standard(
        tmp_path, htx_rows=[htx(established="31/02/2021")], yearly_rows=[yearly(members=-3)]
    )

    page = _upload(client, path).content.decode()

    assert "Tệp có 2 lỗi" in page
    assert "ngày “31/02/2021” không tồn tại" in page
    assert "Số thành viên" in page
    assert "không được âm" in page
    assert "Xác nhận nhập" not in page
    assert list((media / "imports").glob("*.xlsx")) == []
    assert Entity.objects.count() == 0


@pytest.mark.django_db
def test_it_checks_again_on_confirm(client, tmp_path, media, phong_tho):
    client.force_login(factories.user_with_role(Role.ADMIN))
    path = standard(tmp_path, yearly_rows=[yearly("HTX-07")], htx_rows=[])
    factories.entity("HTX-07", phong_tho.ban_lang, established=dt.date(2016, 1, 1))
    token = _upload(client, path).context["token"]
    Entity.objects.filter(code="HTX-07").delete()  # someone removed it in between

    page = client.post("/nhap-excel/xac-nhan/", {"token": token})

    assert "không có HTX mã HTX-07" in page.content.decode()
    assert YearlyReport.objects.count() == 0


@pytest.mark.django_db
def test_it_confirms_only_the_file_of_the_same_session(client, tmp_path, media, phong_tho):
    client.force_login(factories.user_with_role(Role.ADMIN))
    token = _upload(client, standard(tmp_path)).context["token"]
    other = type(client)()
    other.force_login(factories.user_with_role(Role.ADMIN))

    assert other.post("/nhap-excel/xac-nhan/", {"token": token}).status_code == 404
    assert client.post("/nhap-excel/xac-nhan/", {"token": "../../etc"}).status_code == 404
    assert Entity.objects.count() == 0


@pytest.mark.django_db
def test_it_refuses_an_upload_over_the_size_limit(client, tmp_path, media, phong_tho, settings):
    client.force_login(factories.user_with_role(Role.ADMIN))
    path = standard(tmp_path)
    settings.KTTT_IMPORT_MAX_BYTES = 1000

    page = _upload(client, path).content.decode()

    assert "Tệp quá lớn" in page
    assert Entity.objects.count() == 0


@pytest.mark.django_db
def test_it_shows_out_of_scope_rows_to_a_commune_officer(client, tmp_path, media, phong_tho):
    client.force_login(factories.user_with_role(Role.COMMUNE, area_code="3549"))
    path = standard(tmp_path, htx_rows=[htx(commune="3571", established="01/08/2025")])

    page = _upload(client, path).content.decode()

    assert "xã mã 03571 ngoài phạm vi quản lý của bạn" in page
    assert "Xác nhận nhập" not in page


@pytest.mark.django_db
def test_an_officer_re_imports_a_cooperative_that_came_from_outside_its_territory(tmp_path):
    """Founded in 2015 in Xã Vàng Ma Chải (now part of Sì Lở Lầu), moved in 2020 into Thị
    trấn Phong Thổ, on 01/7/2025 into Xã Phong Thổ: the officer of Xã Phong Thổ sees it and
    its export names the commune it was founded in. Re-importing that export places nobody:
    accepted. Moving it back to Vàng Ma Chải is a placement outside the territory: refused."""
    from kttt.registry.excel import export_workbook
    from tests.web import REFORM

    units = factories.units()
    moved = factories.entity("MOVED-IN", factories.unit("3562"), established=dt.date(2015, 1, 1))
    services.move_entity(entity=moved, unit=units.tt_phong_tho, date=dt.date(2020, 5, 1))
    services.move_entity(entity=moved, unit=units.xa_phong_tho, date=REFORM)
    factories.yearly(moved, 2019, members=7)
    officer = Scope.of(factories.user_with_role(Role.COMMUNE, area_code="3549"))
    exported = tmp_path / "export.xlsx"
    export_workbook(Entity.objects.filter(code="MOVED-IN"), exported)

    assert [str(p) for p in plan_import(exported, officer).problems] == []
    back = standard(tmp_path, htx_rows=[htx("MOVED-IN", commune="3562", established="01/01/2016")])
    assert [str(p) for p in plan_import(back, officer).problems] == [
        "trang HTX, dòng 2, cột D (Mã xã): xã mã 03562 ngoài phạm vi quản lý của bạn"
    ]


@pytest.mark.django_db
def test_it_does_not_say_that_a_code_of_another_territory_exists(tmp_path, phong_tho):
    """A new row whose code is a cooperative of Dào San, imported by the officer of Xã
    Phong Thổ: the code cannot be used; where it is, and that it is, is not said."""
    factories.entity("HTX-DS", phong_tho.mu_sang, established=dt.date(2016, 1, 1))
    officer = Scope.of(factories.user_with_role(Role.COMMUNE, area_code="3549"))
    path = standard(tmp_path, htx_rows=[htx("HTX-DS", commune="3549", established="01/08/2025")])
    assert [str(p) for p in plan_import(path, officer).problems] == [
        "trang HTX, dòng 2, cột A (Mã số HTX): Không dùng được mã số HTX HTX-DS. Nếu đây là "
        "HTX trên địa bàn của bạn, hãy liên hệ quản trị hệ thống."
    ]


# --- many problems --------------------------------------------------------------------------


def _many_problems(tmp_path: Path) -> Path:
    """450 rows with a commune code that never existed, then 50 with an unknown kind:
    500 problems, in two columns of the HTX sheet."""
    rows = [htx(code=f"A{n:04d}", commune="99999") for n in range(450)]
    rows += [htx(code=f"B{n:04d}", kind="Công ty") for n in range(50)]
    return standard(tmp_path, htx_rows=rows)


@pytest.mark.django_db
def test_the_command_prints_every_problem_then_the_count_by_column(tmp_path, phong_tho):
    """DOMAIN.md §6: the command prints every error; past 200 it adds where they are."""
    path = _many_problems(tmp_path)
    before = snapshot()

    code, _out, err = run(path)

    assert code == 1
    lines = err.splitlines()
    located = [line for line in lines if line.startswith("trang HTX, dòng")]
    assert len(located) == 500
    assert "dòng 2," in located[0]  # in the order of the rows
    assert "dòng 501," in located[-1]
    assert "Số lỗi theo trang và cột:" in lines
    assert "  HTX, Mã xã: 450" in lines
    assert "  HTX, Loại hình: 50" in lines
    assert "Không nhập gì vì tệp có 500 lỗi." in err
    assert snapshot() == before


@pytest.mark.django_db
def test_the_preview_shows_the_first_200_problems_and_the_count_by_column(
    client, tmp_path, media, phong_tho
):
    client.force_login(factories.user_with_role(Role.PLANNING, area_code="109"))
    before = snapshot()

    response = _upload(client, _many_problems(tmp_path))

    page = response.content.decode()
    assert "Tệp có 500 lỗi" in page
    assert "Dưới đây là 200 lỗi đầu tiên" in page
    problems = page.split('class="table import-problems"')[1].split("</table>")[0]
    assert problems.count("<tr>") == 201  # the header and 200 problems
    places = page.split('class="table numbers import-problem-places"')[1].split("</table>")[0]
    assert "<td>Mã xã</td><td>450</td>" in places
    assert "<td>Loại hình</td><td>50</td>" in places
    assert snapshot() == before
    assert not list((media / "imports").glob("*.xlsx"))
