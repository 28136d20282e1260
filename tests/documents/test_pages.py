"""The Reports page (/bao-cao/, kttt/documents/views.py; issue 8): the register, the form
(data checks first, preview, into the register), a report's page and its downloads, the
issuers' settings, and who may do what (kttt/access/documents.py).

The world: Huyện Phong Thổ (109) with its plan 2021–2025 and one target; HTX A founded in
2015 in Thị trấn Phong Thổ (moved into Xã Phong Thổ on 01/7/2025) reporting 2024 with 10
members and 4 workers; HTX B founded in 2015 in Xã Mù Sang, which never reports (a data
check). The issuer of 109 is recorded: "UBND HUYỆN PHONG THỔ", symbol BC-UBND.
"""

import datetime as dt
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from docx import Document as DocxDocument

from kttt.accounts.models import Role
from kttt.documents.models import Issuer, Report
from kttt.plans.models import Plan, Target
from tests import factories
from tests.web import client_for, coop, person

pytestmark = pytest.mark.django_db

MY_PROBLEMS = "Hai HTX chưa nộp báo cáo tài chính đúng hạn.\nCán bộ xã còn kiêm nhiệm."


@pytest.fixture
def world(phong_tho):
    u = phong_tho
    a = coop("A", u.tt_phong_tho, u.xa_phong_tho, name="HTX Thử A")
    factories.yearly(a, 2024, members=10, workers=4, income_avg=50)
    factories.entity("B", u.mu_sang, name="HTX Thử B")
    plan = Plan.objects.create(
        name="Đề án KTTT thử", area_code="109", start_year=2021, end_year=2025, baseline_year=2021
    )
    Target.objects.create(
        plan=plan,
        code="a_new_coops",
        description="Hằng năm thành lập mới từ 1-2 HTX trở lên",
        indicator="coops_new",
        comparison="gte",
        value=1,
        schedule="every_year",
    )
    Issuer.objects.create(
        area_code="109",
        agency="UBND HUYỆN PHONG THỔ",
        superior="UBND TỈNH LAI CHÂU",
        place="Phong Thổ",
        symbol="BC-UBND",
        signer_authority="TM. ỦY BAN NHÂN DÂN",
        signer_title="CHỦ TỊCH",
        signer_name="Nguyễn Văn Thử",
        recipients="UBND tỉnh (b/c);\nLưu: VT.",
    )
    return plan, a


def details(**extra: str) -> dict[str, str]:
    """What the form posts for 109 and 2024, the header as prefilled."""
    data = {
        "kind": "annual",
        "year": "2024",
        "area": "109",
        "plan": "",
        "issued_on": "10/01/2025",
        "number": "",
        "superior": "UBND TỈNH LAI CHÂU",
        "agency": "UBND HUYỆN PHONG THỔ",
        "place": "Phong Thổ",
        "symbol": "BC-UBND",
        "signer_authority": "TM. ỦY BAN NHÂN DÂN",
        "signer_title": "CHỦ TỊCH",
        "signer_name": "Nguyễn Văn Thử",
        "recipients": "UBND tỉnh (b/c);\nLưu: VT.",
        "problems": MY_PROBLEMS,
        "directions": "Tiếp tục hỗ trợ thành lập HTX mới.",
        "action": "preview",
    }
    data.update(extra)
    return data


def docx_text(data: bytes) -> str:
    doc = DocxDocument(io.BytesIO(data))
    parts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            parts += [cell.text for cell in row.cells]
    return "\n".join(parts)


def test_the_planning_office_makes_an_annual_report_with_its_own_section_v(world):
    plan, _a = world
    planning = person(Role.PLANNING, "109")
    client = client_for(planning)

    # The form: checks first (B has not reported 2024), the header from the issuer, the
    # plan of exactly 109 covering 2024.
    page = client.get("/bao-cao/lap/?kind=annual&year=2024&area=109&issued_on=10/01/2025")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Kiểm tra số liệu" in html
    assert "UBND HUYỆN PHONG THỔ" in html
    assert "Đề án: Đề án KTTT thử." in html
    assert "Vào sổ và tải về" in html

    # The preview shows the text written for section V, and nothing is recorded.
    preview = client.post("/bao-cao/lap/", details())
    assert preview.status_code == 200
    shown = preview.content.decode()
    assert "Hai HTX chưa nộp báo cáo tài chính đúng hạn." in shown
    assert "V. TỒN TẠI, HẠN CHẾ, NGUYÊN NHÂN" in shown
    assert Report.objects.count() == 0

    recorded = client.post("/bao-cao/lap/", details(action="record"))
    report = Report.objects.get()
    assert recorded.status_code == 302
    assert recorded["Location"] == f"/bao-cao/{report.pk}/"
    assert (report.kind, report.year, report.area_code, report.plan) == (
        "annual",
        2024,
        "109",
        plan,
    )
    assert report.problems == MY_PROBLEMS
    assert report.number == "01"  # the first of the register for BC-UBND in 2025
    assert report.created_by == planning

    detail = client.get(f"/bao-cao/{report.pk}/").content.decode()
    assert "Báo cáo số 01/BC-UBND" in detail
    assert "Số liệu đã thay đổi sau khi lập báo cáo" not in detail

    download = client.get(f"/bao-cao/{report.pk}/tai-ve/docx/")
    assert download.status_code == 200
    assert download["Content-Disposition"] == 'attachment; filename="bao-cao-nam-2024-109.docx"'
    text = docx_text(download.content)
    assert "Hai HTX chưa nộp báo cáo tài chính đúng hạn." in text
    assert "Cán bộ xã còn kiêm nhiệm." in text
    assert "UBND HUYỆN PHONG THỔ" in text

    listed = client.get("/bao-cao/").content.decode()
    assert "01/BC-UBND" in listed
    assert "Huyện Phong Thổ" in listed
    assert "10/01/2025" in listed


def test_the_form_is_prefilled_with_what_the_data_say(world):
    page = client_for(person(Role.PLANNING, "109")).get("/bao-cao/lap/?year=2024&area=109")
    html = page.content.decode()
    # B has no figures for 2024: the check is shown above the form and written into V.
    checks = html.split("Kiểm tra số liệu")[1].split('name="problems"')[0]
    assert "1 HTX đang hoạt động chưa có số liệu năm." in checks
    problems = html.split('name="problems"')[1].split("</textarea>")[0]
    assert "1 HTX đang hoạt động chưa có số liệu năm." in problems
    # No cooperative was founded in 2024: the plan's target is not met, and VI says so.
    directions = html.split('name="directions"')[1].split("</textarea>")[0]
    assert (
        "Tập trung chỉ đạo thực hiện các mục tiêu chưa đạt: Hằng năm thành lập mới từ 1-2 HTX "
        "trở lên." in directions
    )


def test_a_commune_officer_reports_on_its_commune_but_not_on_the_district(world):
    officer = person(Role.COMMUNE, "03549")
    client = client_for(officer)
    # Xã Phong Thổ read at 31/12/2024 is Thị trấn Phong Thổ (went into it in 2025).
    assert client.get("/bao-cao/lap/?year=2024&area=03549").status_code == 200
    mine = details(area="03549", agency="UBND XÃ PHONG THỔ", action="record")
    response = client.post("/bao-cao/lap/", mine)
    assert response.status_code == 302
    report = Report.objects.get()
    assert (report.area_code, report.plan) == ("03549", None)  # no plan of exactly 03549

    assert client.get("/bao-cao/lap/?year=2024&area=109").status_code == 404
    assert client.post("/bao-cao/lap/", details(action="record")).status_code == 404
    assert Report.objects.count() == 1


def test_a_viewer_previews_and_downloads_but_does_not_register(world):
    planning = client_for(person(Role.PLANNING, "109"))
    planning.post("/bao-cao/lap/", details(action="record"))
    report = Report.objects.get()

    viewer = client_for(person(Role.VIEWER, "109"))
    form = viewer.get("/bao-cao/lap/?year=2024&area=109").content.decode()
    assert "Xem trước" in form
    assert "Vào sổ và tải về" not in form
    assert viewer.post("/bao-cao/lap/", details()).status_code == 200
    assert viewer.post("/bao-cao/lap/", details(action="record")).status_code == 403
    assert Report.objects.count() == 1
    assert viewer.get(f"/bao-cao/{report.pk}/").status_code == 200
    xlsx = viewer.get(f"/bao-cao/{report.pk}/tai-ve/xlsx/")
    assert xlsx.status_code == 200
    assert xlsx.content[:2] == b"PK"
    assert "Lập báo cáo" not in viewer.get("/bao-cao/").content.decode()


def test_a_cooperative_representative_gets_nothing(world):
    _plan, a = world
    client_for(person(Role.PLANNING, "109")).post("/bao-cao/lap/", details(action="record"))
    report = Report.objects.get()
    rep = client_for(factories.user_with_role(Role.COOPERATIVE, cooperative=a))
    assert rep.get("/bao-cao/").status_code == 404
    assert rep.get("/bao-cao/lap/?year=2024&area=109").status_code == 404
    assert rep.post("/bao-cao/lap/", details(action="record")).status_code == 404
    assert rep.get(f"/bao-cao/{report.pk}/").status_code == 404
    assert rep.get(f"/bao-cao/{report.pk}/tai-ve/docx/").status_code == 404
    assert Report.objects.count() == 1


def test_the_register_lists_only_the_reports_one_reads(world):
    client_for(person(Role.COMMUNE, "03549")).post(
        "/bao-cao/lap/", details(area="03549", number="07", action="record")
    )
    client_for(person(Role.PLANNING, "109")).post("/bao-cao/lap/", details(action="record"))
    commune = client_for(person(Role.COMMUNE, "03549")).get("/bao-cao/").content.decode()
    # The district's report takes the register's next number, 08.
    assert "07/BC-UBND" in commune
    assert "08/BC-UBND" not in commune
    district = client_for(person(Role.VIEWER, "109")).get("/bao-cao/").content.decode()
    assert "07/BC-UBND" in district
    assert "08/BC-UBND" in district


def test_a_changed_yearly_figure_is_flagged(world):
    _plan, a = world
    client = client_for(person(Role.PLANNING, "109"))
    client.post("/bao-cao/lap/", details(action="record"))
    report = Report.objects.get()
    assert "Số liệu đã thay đổi" not in client.get("/bao-cao/").content.decode()

    factories.yearly(a, 2024, members=12, workers=4, income_avg=50)  # 10 -> 12 members

    page = client.get(f"/bao-cao/{report.pk}/").content.decode()
    assert "Số liệu đã thay đổi sau khi lập báo cáo: bản tải về hôm nay khác bản đã vào sổ." in (
        page
    )
    assert "Số liệu đã thay đổi" in client.get("/bao-cao/").content.decode()


def test_bad_input_says_so_in_vietnamese_and_writes_nothing(world):
    client = client_for(person(Role.PLANNING, "109"))
    bad_year = client.get("/bao-cao/lap/?year=hai-nghìn&area=109")
    assert bad_year.status_code == 400
    assert "năm" in bad_year.content.decode().lower()

    # A year not ended on the report's date.
    early = client.post("/bao-cao/lap/", details(issued_on="10/06/2023", action="record"))
    assert early.status_code == 400
    assert "Năm báo cáo 2024 chưa kết thúc vào ngày báo cáo 10/06/2023." in early.content.decode()

    # A number already used for BC-UBND in 2025.
    assert client.post("/bao-cao/lap/", details(number="05", action="record")).status_code == 302
    clash = client.post("/bao-cao/lap/", details(number="05", action="record"))
    assert clash.status_code == 400
    assert "Số 05/BC-UBND năm 2025 đã dùng cho báo cáo khác." in clash.content.decode()

    # No agency.
    blank = client.post("/bao-cao/lap/", details(agency="", action="record"))
    assert blank.status_code == 400
    assert "Chưa nhập trường này." in blank.content.decode()

    # A plan of another district is not readable: 404.
    other = Plan.objects.create(
        name="Đề án Tam Đường", area_code="106", start_year=2021, end_year=2025, baseline_year=2021
    )
    assert client.post("/bao-cao/lap/", details(plan=str(other.pk))).status_code == 404
    assert client.get(f"/bao-cao/lap/?year=2024&area=109&plan={other.pk}").status_code == 404
    assert client.get("/bao-cao/1/tai-ve/exe/").status_code == 404
    assert Report.objects.count() == 1


def test_a_final_report_on_the_plan(world):
    plan, _a = world
    client = client_for(person(Role.PLANNING, "109"))
    page = client.get(f"/bao-cao/lap/?kind=final&plan={plan.pk}&issued_on=10/01/2026")
    assert page.status_code == 200
    data = details(kind="final", year="", plan=str(plan.pk), issued_on="10/01/2026")
    assert client.post("/bao-cao/lap/", {**data, "action": "record"}).status_code == 302
    report = Report.objects.get()
    assert (report.kind, report.year, report.plan, report.area_code) == ("final", None, plan, "109")
    # A commune officer opens the district plan but does not read its targets: 404.
    commune = client_for(person(Role.COMMUNE, "03549"))
    assert commune.get(f"/bao-cao/{report.pk}/").status_code == 404


def test_pdf_without_libreoffice_is_a_message(world, monkeypatch, tmp_path):
    client = client_for(person(Role.PLANNING, "109"))
    client.post("/bao-cao/lap/", details(action="record"))
    report = Report.objects.get()
    monkeypatch.setenv("PATH", str(tmp_path))  # no soffice on the path
    response = client.get(f"/bao-cao/{report.pk}/tai-ve/pdf/", follow=True)
    assert response.redirect_chain == [(f"/bao-cao/{report.pk}/", 302)]
    assert "LibreOffice" in response.content.decode()


def test_the_register_asks_as_many_queries_for_ten_reports_as_for_one(world):
    user = person(Role.PLANNING, "109")
    client = client_for(user)

    def add(n: int) -> None:
        for _i in range(n):
            Report.objects.create(
                kind="annual",
                year=2024,
                area_code="109",
                issued_on=dt.date(2025, 1, 10),
                number=f"{Report.objects.count() + 1:02d}",
                header={"symbol": "BC-UBND", "agency": "UBND HUYỆN PHONG THỔ"},
                created_by=user,
                fingerprint="-",
            )

    add(1)
    client.get("/bao-cao/")  # warm the session
    with CaptureQueriesContext(connection) as one:
        assert client.get("/bao-cao/").status_code == 200
    add(9)
    with CaptureQueriesContext(connection) as ten:
        page = client.get("/bao-cao/")
    assert page.content.decode().count("/BC-UBND</a>") == 10
    assert len(ten) == len(one)


def test_issuers_are_set_by_administrators(world):
    admin = person(Role.ADMIN)
    client = client_for(admin)
    assert client.get("/bao-cao/co-quan/").status_code == 200
    added = client.post(
        "/bao-cao/co-quan/them/",
        {
            "area_code": "109",
            "valid_from": "01/07/2025",
            "agency": "UBND TỈNH LAI CHÂU",
            "place": "Lai Châu",
            "symbol": "BC-UBND",
        },
    )
    assert added.status_code == 302
    assert Issuer.objects.filter(area_code="109", valid_from=dt.date(2025, 7, 1)).exists()
    again = client.post(
        "/bao-cao/co-quan/them/",
        {"area_code": "109", "valid_from": "01/07/2025", "agency": "X", "place": "Y"},
    )
    assert again.status_code == 400
    assert "Địa bàn 109 đã có cơ quan ban hành áp dụng từ ngày 01/07/2025." in (
        again.content.decode()
    )
    undated = client.post(
        "/bao-cao/co-quan/them/", {"area_code": "109", "agency": "X", "place": "Y"}
    )
    assert undated.status_code == 400
    assert "Địa bàn 109 đã có cơ quan ban hành không ghi ngày." in undated.content.decode()
    nowhere = client.post(
        "/bao-cao/co-quan/them/", {"area_code": "99999", "agency": "X", "place": "Y"}
    )
    assert nowhere.status_code == 400
    assert Issuer.objects.count() == 2

    issuer = Issuer.objects.get(valid_from=None)
    edited = client.post(
        f"/bao-cao/co-quan/{issuer.pk}/",
        {
            "area_code": "109",
            "agency": "UBND HUYỆN PHONG THỔ",
            "place": "Phong Thổ",
            "symbol": "BC",
        },
    )
    assert edited.status_code == 302
    issuer.refresh_from_db()
    assert issuer.symbol == "BC"
    planning = client_for(person(Role.PLANNING, "109"))
    assert planning.get("/bao-cao/co-quan/").status_code == 403
    assert planning.post("/bao-cao/co-quan/them/", {"area_code": "109"}).status_code == 403
