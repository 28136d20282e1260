"""Plan execution pages: tasks and progress, activities and their evidence, the budget with
every refusal as a form error, enterprise links and the value-chain flag, "Việc của tôi",
and a new plan made from this one's structure.

The world and personas are those of test_execution_access.py.
"""

import datetime as dt
import io
import json
import re
import zipfile
from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kttt.accounts.models import Role
from kttt.lib.dates import add_months
from kttt.plans import activities, budget, services
from kttt.plans.budget import vnd
from kttt.plans.models import (
    Activity,
    BudgetLine,
    Disbursement,
    EvidenceFile,
    FundSource,
    ImplementingUnit,
    Plan,
    Target,
    Task,
)
from kttt.registry.models import AuditEntry
from tests import factories
from tests.plans.test_execution_access import PDF, activity, build_world, evidence_of, member
from tests.web import PLAIN_STORAGES, admin, client_for, coop, today

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture(autouse=True)
def _plain_static(settings, tmp_path):
    settings.STORAGES = PLAIN_STORAGES
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def w(phong_tho):
    return build_world(phong_tho)


@pytest.fixture
def planner(w):
    return client_for(member(Role.PLANNING, "109"))


@pytest.fixture
def dept(w):
    return client_for(member(Role.DEPARTMENT, "109", w.nn))


def stored_files(settings) -> list:
    root = settings.MEDIA_ROOT
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def count_queries(client, url, params=None) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, params or {})
    assert response.status_code == 200
    return len(ctx)


# --- tasks and progress ------------------------------------------------------------------


def test_it_shows_tasks_with_units_period_progress_and_targets(w, dept):
    target = Target.objects.create(
        plan=w.plan,
        code="a_new_coops",
        description="Hằng năm thành lập mới từ 1-2 HTX trở lên",
        indicator="coops_new",
        comparison="gte",
        value=1,
        schedule="every_year",
    )
    w.task.targets.set([target])
    Activity.objects.filter(pk=w.act_nn.pk).update(status="done")
    Activity.objects.filter(pk=w.act_ds.pk).update(status="cancelled")
    line = budget.set_line(
        task=w.task, source=w.province, year=w.year, requested=D(100), allocated=D("1500")
    )
    budget.disburse(line=line, date=today(), amount=D("1230"), document="01/CT")
    response = dept.get(reverse("execution:task_list"))
    assert response.status_code == 200
    text = response.text
    assert "III.3.a" in text
    assert "Tập huấn, tư vấn thành lập HTX" in text
    assert "Phòng Nông nghiệp và PTNT" in text
    assert "Phối hợp: UBND xã Phong Thổ, Phòng Kinh tế - Hạ tầng" in text
    assert f"{w.year - 1}–{w.year + 1}" in text  # years never grouped
    # III.3.a: NN done, Phong Thổ in progress, Dào San cancelled -> 1 of 2.
    assert "1/2" in text
    assert "1.230/1.500" in text
    assert 'value="82"' in text  # the bar: 1.230 of 1.500
    assert "Hằng năm thành lập mới từ 1-2 HTX trở lên" in text
    assert any(s in text for s in ("Đạt", "Chưa đạt", "Chưa đủ số liệu"))
    assert "Giải pháp" in text
    assert "III.4.c" in text


def test_it_hides_the_targets_status_from_a_commune_officer(w):
    target = Target.objects.create(
        plan=w.plan,
        code="a_new_coops",
        description="Thành lập mới HTX",
        indicator="coops_new",
        comparison="gte",
        value=1,
        schedule="every_year",
    )
    w.task.targets.set([target])
    officer = client_for(member(Role.COMMUNE, "3549", w.xa))
    response = officer.get(reverse("execution:task_list"))
    assert response.status_code == 200
    assert "Thành lập mới HTX" in response.text
    assert "Chưa đủ số liệu" not in response.text
    assert ">Đạt<" not in response.text
    # Its progress counts only what it sees: the Phong Thổ activity of III.3.a.
    assert "0/1" in response.text


def test_it_keeps_the_tasks_page_queries_constant(w, planner):
    url = reverse("execution:task_list")
    Activity.objects.exclude(pk=w.act_nn.pk).delete()
    planner.get(url)  # warm-up
    one = count_queries(planner, url)
    activity(w.task, w.kt, "Hai")
    activity(w.solution, w.xa, "Ba")
    budget.set_line(task=w.task, source=w.district, year=w.year, requested=D(1), allocated=D(1))
    three = count_queries(planner, url)
    assert one == three


def test_a_task_page_shows_its_activities_lines_and_disbursements(w, dept):
    line = budget.set_line(
        task=w.task, source=w.district, year=w.year, requested=D(60), allocated=D("40.5")
    )
    budget.disburse(line=line, date=today(), amount=D("12.25"), document="15/CT", activity=w.act_nn)
    response = dept.get(reverse("execution:task_detail", args=[w.task.pk]))
    assert response.status_code == 200
    text = response.text
    for expected in (
        w.act_nn.title,
        w.act_xa.title,
        "Ngân sách huyện",
        "40,5",
        "12,25",
        "28,25",
        "15/CT",
        today().strftime("%d/%m/%Y"),
        f">{w.year}<",
    ):
        assert expected in text, expected


# --- activities --------------------------------------------------------------------------


def activity_post(w, **over):
    data = {
        "task": w.task.pk,
        "unit": w.nn.pk,
        "kind": "training",
        "title": "Tập huấn kế toán HTX",
        "start_date": today().strftime("%d/%m/%Y"),
        "end_date": (today() + dt.timedelta(days=2)).strftime("%d/%m/%Y"),
        "place": "Xã Phong Thổ",
        "status": "planned",
        "participants": "1.050",
        "participants_coop": "44",
        "cost": "30,5",
        "fund_source": w.province.pk,
        "cooperatives": [w.coop_xa.pk],
        "result": "",
    }
    return {**data, **over}


def test_a_department_records_an_activity(w, dept):
    form = dept.get(reverse("execution:activity_create"), {"task": w.task.pk})
    assert form.status_code == 200
    # Only its own unit is offered.
    assert list(form.context["form"].fields["unit"].queryset) == [w.nn]
    response = dept.post(
        reverse("execution:activity_create") + f"?task={w.task.pk}", activity_post(w)
    )
    assert response.status_code == 302
    created = Activity.objects.get(title="Tập huấn kế toán HTX")
    assert response["Location"] == reverse("execution:activity_detail", args=[created.pk])
    assert created.participants == 1050
    assert created.cost == D("30.5")
    assert list(created.cooperatives.all()) == [w.coop_xa]
    page = dept.get(response["Location"])
    assert "1.050" in page.text
    assert "30,5" in page.text
    assert "HTX Phúc Hưng" in page.text


@pytest.mark.parametrize(
    ("over", "message"),
    [
        (
            {"end_date": (today() - dt.timedelta(days=30)).strftime("%d/%m/%Y")},
            "Ngày kết thúc trước ngày bắt đầu.",
        ),
        ({"participants": "10", "participants_coop": "11"}, "nhiều hơn tổng số người"),
        ({"start_date": "01/01/2000", "end_date": "02/01/2000"}, "trong kỳ của đề án"),
        ({"start_date": "31/02/2026"}, "Ngày “31/02/2026” không tồn tại"),
        ({"cost": "-5"}, "Không được âm"),
    ],
)
def test_it_refuses_a_bad_activity_with_a_message_and_writes_nothing(w, dept, over, message):
    response = dept.post(reverse("execution:activity_create"), activity_post(w, **over))
    assert response.status_code == 400
    assert message in response.text
    assert not Activity.objects.filter(title="Tập huấn kế toán HTX").exists()


def test_editing_keeps_cooperatives_the_editor_cannot_see(w):
    w.act_xa.cooperatives.set([w.coop_xa, w.coop_ds])
    officer = client_for(member(Role.COMMUNE, "3549", w.xa))
    form = officer.get(reverse("execution:activity_edit", args=[w.act_xa.pk]))
    assert list(form.context["form"].fields["cooperatives"].queryset) == [w.coop_xa]
    data = activity_post(w, unit=w.xa.pk, cooperatives=[], fund_source="")
    response = officer.post(reverse("execution:activity_edit", args=[w.act_xa.pk]), data)
    assert response.status_code == 302
    assert list(w.act_xa.cooperatives.all()) == [w.coop_ds]
    detail = officer.get(reverse("execution:activity_detail", args=[w.act_xa.pk]))
    assert "HTX Dào San" not in detail.text
    assert "và 1 HTX ngoài phạm vi của bạn" in detail.text


# --- evidence ----------------------------------------------------------------------------


def upload(client, act, name, content):
    return client.post(
        reverse("execution:evidence_upload", args=[act.pk]),
        {"file": SimpleUploadedFile(name, content)},
    )


def docx_bytes() -> bytes:
    """A minimal .docx; fixed entry times, so that two calls give the same bytes."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, text in (("[Content_Types].xml", "<Types/>"), ("word/document.xml", "<d/>")):
            archive.writestr(zipfile.ZipInfo(name, date_time=(2024, 1, 1, 0, 0, 0)), text)
    return buffer.getvalue()


def test_it_uploads_downloads_and_deletes_evidence(
    w, dept, settings, django_capture_on_commit_callbacks
):
    response = upload(dept, w.act_nn, "Danh sách học viên.docx", docx_bytes())
    assert response.status_code == 302
    evidence = EvidenceFile.objects.get()
    assert evidence.original_name == "Danh sách học viên.docx"
    assert len(stored_files(settings)) == 1
    page = dept.get(reverse("execution:activity_detail", args=[w.act_nn.pk]))
    assert "Danh sách học viên.docx" in page.text
    download = dept.get(reverse("execution:evidence_download", args=[w.act_nn.pk, evidence.pk]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == docx_bytes()
    delete = reverse("execution:evidence_delete", args=[w.act_nn.pk, evidence.pk])
    assert "Danh sách học viên.docx" in dept.get(delete).text
    with django_capture_on_commit_callbacks(execute=True):
        assert dept.post(delete).status_code == 302
    assert not EvidenceFile.objects.exists()
    assert stored_files(settings) == []


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        (
            "bien-ban.pdf",
            b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 64,
            "Nội dung tệp không đúng với loại .pdf.",
        ),
        ("anh.jpg", b"MZ\x90\x00" + b"\x00" * 64, "Nội dung tệp không đúng với loại .jpg."),
        ("setup.exe", b"MZ\x90\x00" + b"\x00" * 64, "Chỉ nhận tệp PDF, ảnh JPG/PNG"),
        ("bao-cao.docx", b"PK\x03\x04not really a zip", "Nội dung tệp không đúng với loại .docx."),
        ("rong.pdf", b"", "Tệp rỗng."),
    ],
)
def test_it_refuses_a_file_whose_content_or_type_is_wrong(
    w, dept, settings, name, content, message
):
    response = upload(dept, w.act_nn, name, content)
    assert response.status_code == 400
    assert message in response.text
    assert EvidenceFile.objects.count() == 0
    assert stored_files(settings) == []


def test_it_refuses_a_file_over_the_size_limit(w, dept, settings):
    settings.KTTT_EVIDENCE_MAX_BYTES = 1024 * 1024
    response = upload(dept, w.act_nn, "lon.pdf", PDF + b"0" * (1024 * 1024))
    assert response.status_code == 400
    assert "Tệp lớn quá 1 MB." in response.text
    assert EvidenceFile.objects.count() == 0
    assert stored_files(settings) == []
    assert upload(dept, w.act_nn, "vua.pdf", PDF).status_code == 302


def test_it_asks_for_a_file_when_none_is_sent(w, dept):
    response = dept.post(reverse("execution:evidence_upload", args=[w.act_nn.pk]), {})
    assert response.status_code == 400
    assert "Chưa nhập trường này." in response.text


def test_a_missing_stored_file_answers_404_not_a_traceback(w, dept):
    evidence = evidence_of(w.act_nn)
    evidence.file.storage.delete(evidence.file.name)
    url = reverse("execution:evidence_download", args=[w.act_nn.pk, evidence.pk])
    assert dept.get(url).status_code == 404


# --- budget ------------------------------------------------------------------------------


def line_post(w, **over):
    data = {
        "line-task": w.task.pk,
        "line-source": w.district.pk,
        "line-year": str(w.year),
        "line-requested": "110",
        "line-allocated": "100",
    }
    return {**data, **{f"line-{k}": v for k, v in over.items()}}


def pay_post(w, **over):
    data = {
        "pay-task": w.task.pk,
        "pay-source": w.district.pk,
        "pay-year": str(w.year),
        "pay-date": today().strftime("%d/%m/%Y"),
        "pay-amount": "40,5",
        "pay-document": "12/CT",
        "pay-activity": "",
        "pay-note": "",
    }
    return {**data, **{f"pay-{k}": v for k, v in over.items()}}


def budget_state():
    return (
        list(BudgetLine.objects.order_by("pk").values_list("requested", "allocated")),
        list(Disbursement.objects.order_by("pk").values_list("amount", flat=True)),
        list(FundSource.objects.order_by("pk").values_list("name", "total")),
    )


def test_the_planning_office_allocates_and_disburses(w, planner):
    url = reverse("execution:budget_line", args=[w.plan.pk])
    response = planner.post(url, line_post(w))
    assert response.status_code == 302
    assert response["Location"].endswith(f"?plan={w.plan.pk}#du-toan")
    pay = planner.post(
        reverse("execution:budget_disburse", args=[w.plan.pk]),
        pay_post(w, activity=w.act_nn.pk),
    )
    assert pay.status_code == 302
    paid = Disbursement.objects.get()
    assert (paid.amount, paid.activity) == (D("40.5"), w.act_nn)
    page = planner.get(reverse("execution:budget"))
    assert "40,5" in page.text
    assert "59,5" in page.text


@pytest.mark.parametrize(
    ("form", "over", "message"),
    [
        ("line", {"allocated": "500,001"}, "Giao vượt tổng nguồn Ngân sách huyện"),
        ("line", {"allocated": "-1"}, "Số giao không được âm."),
        ("line", {"requested": "-1"}, "Số đề nghị không được âm."),
        ("line", {"year": "2000"}, "nằm ngoài kỳ của đề án"),
        ("line", {"allocated": "1,0005"}, "tối đa 3 chữ số thập phân"),
        ("pay", {"amount": "100,001"}, "Chi vượt số đã giao: giao 100, đã chi 0, còn 100"),
        ("pay", {"amount": "-5"}, "Số tiền không được âm."),
        ("pay", {"amount": "0"}, "Số tiền chi phải lớn hơn 0."),
        ("pay", {"date": "31/12/2000"}, "Ngày chi 31/12/2000 nằm ngoài kỳ của đề án"),
        ("pay", {"document": "  "}, "Chưa nhập trường này."),
        ("pay", {"year": "2000"}, "Chưa có dự toán giao"),
        ("source", {"total": "50"}, "không thể nhỏ hơn số đã giao (100 triệu đồng)"),
        ("source", {"total": "-1"}, "Tổng kinh phí không được âm."),
    ],
)
def test_every_budget_refusal_is_a_form_error_and_writes_nothing(w, planner, form, over, message):
    line = budget.set_line(
        task=w.task, source=w.district, year=w.year, requested=D(110), allocated=D(100)
    )
    assert line.allocated == 100
    before = budget_state()
    if form == "line":
        url, data = "execution:budget_line", line_post(w, **over)
    elif form == "pay":
        url, data = "execution:budget_disburse", pay_post(w, **over)
    else:
        url = "execution:budget_source"
        data = {"source-source": w.district.pk, "source-name": "Ngân sách huyện"}
        data |= {f"source-{k}": v for k, v in over.items()}
    response = planner.post(reverse(url, args=[w.plan.pk]), data)
    assert response.status_code == 400
    assert message in response.text
    assert 'class="form-errors"' in response.text or 'class="error"' in response.text
    assert budget_state() == before


def source_row(html: str, name: str) -> list[str]:
    """The figures of one row of the "by source" table, as shown."""
    table = html.split('class="table stack budget-sources"')[1].split("</table>")[0]
    for row in re.findall(r"<tr[^>]*>(.*?)</tr>", table, re.DOTALL):
        if re.search(rf'class="name">(<strong>)?{re.escape(name)}<', row):
            cells = re.findall(r'<td class="num"[^>]*>(.*?)</td>', row, re.DOTALL)
            return [re.sub(r"<[^>]+>", "", c).strip() for c in cells]
    raise AssertionError(f"no row {name}")


def test_the_budget_page_shows_the_same_sums_as_the_command(tmp_path, settings, capsys):
    settings.VAR_DIR = tmp_path
    call_command("load_demo", password="mat-khau-demo")
    capsys.readouterr()
    call_command("budget", format="json")
    data = json.loads(capsys.readouterr().out)
    client = client_for(User.objects.get(username="tonghop"))
    page = client.get(reverse("execution:budget"))
    assert page.status_code == 200
    rows = {r["source"]: r for r in data["by_source"]}
    assert {name: (r["allocated"], r["disbursed"]) for name, r in rows.items()} == {
        "Ngân sách huyện": ("500.000", "410.000"),
        "Ngân sách tỉnh": ("1500.000", "1230.000"),
    }
    for name, r in rows.items():
        expected = [
            vnd(D(r[k])) for k in ("total", "allocated", "unallocated", "disbursed", "remaining")
        ]
        assert source_row(page.text, name) == expected, name
    total = data["total"]
    assert source_row(page.text, "Tổng cộng") == [
        vnd(D(total[k])) for k in ("total", "allocated", "unallocated", "disbursed", "remaining")
    ]
    assert vnd(D(data["total"]["remaining"])) == "360"
    assert source_row(page.text, "Tổng cộng")[-1] == "360"
    assert source_row(page.text, "Ngân sách tỉnh")[3] == "1.230"
    # The tasks page shows the same total.
    tasks_page = client.get(reverse("execution:task_list"))
    assert "1.640" in tasks_page.text
    assert "2.000" in tasks_page.text


def test_it_keeps_the_budget_page_queries_constant(w, planner):
    url = reverse("execution:budget")
    line = budget.set_line(
        task=w.task, source=w.district, year=w.year, requested=D(10), allocated=D(10)
    )
    budget.disburse(line=line, date=today(), amount=D(1), document="1")
    planner.get(url)  # warm-up
    one = count_queries(planner, url)
    for task, source in ((w.solution, w.district), (w.task, w.province)):
        other = budget.set_line(
            task=task, source=source, year=w.year, requested=D(10), allocated=D(10)
        )
        paid = budget.disburse(line=other, date=today(), amount=D(1), document="2")
    budget.reverse(payment=paid, date=today(), reason="ghi nhầm")
    three = count_queries(planner, url)
    assert one == three


def test_the_planning_office_reverses_a_wrong_payment_with_a_reason(w, planner):
    line = budget.set_line(
        task=w.task, source=w.district, year=w.year, requested=D(110), allocated=D(100)
    )
    wrong = budget.disburse(line=line, date=today(), amount=D("40.5"), document="12/CT")
    url = reverse("execution:budget_reverse", args=[w.plan.pk, wrong.pk])
    page = planner.get(url)
    assert page.status_code == 200
    assert "12/CT" in page.text
    assert "40,5" in page.text
    # Without a reason nothing is written.
    day = today().strftime("%d/%m/%Y")
    refused = planner.post(url, {"rev-date": day, "rev-reason": " ", "rev-document": ""})
    assert refused.status_code == 400
    assert Disbursement.objects.count() == 1
    done = planner.post(url, {"rev-date": day, "rev-reason": "Chi trùng", "rev-document": ""})
    assert done.status_code == 302
    reversal = Disbursement.objects.get(reverses=wrong)
    assert (reversal.amount, reversal.reason) == (D("-40.5"), "Chi trùng")
    assert reversal.created_by is not None
    budget_page = planner.get(reverse("execution:budget"))
    # Paid 40,5 − 40,5 = 0; left 100 − 0 = 100.
    assert source_row(budget_page.text, "Ngân sách huyện")[3:] == ["0", "100"]
    assert f"đã hủy bởi bút toán ngày {day}" in budget_page.text
    assert "Chi trùng" in budget_page.text
    assert "Bút toán hủy" in budget_page.text
    # The task's name is beside its code in every money table.
    assert w.task.title in budget_page.text
    # A reversed payment offers no second reversal, and a second post is refused.
    assert url not in budget_page.text
    again = planner.post(url, {"rev-date": day, "rev-reason": "lần nữa", "rev-document": ""})
    assert again.status_code == 400
    assert Disbursement.objects.count() == 2


# --- enterprise links and the value-chain flag -------------------------------------------


def test_it_lists_links_with_filters(w, dept):
    activities.save_link(
        entity=w.coop_xa,
        values={
            "enterprise": "Công ty TNHH XNK Ma Lù Thàng",
            "product": "Chuối",
            "contract_date": dt.date(2021, 6, 15),
            "end_date": dt.date(2022, 6, 14),
            "value": D(800),
            "exports_via_ma_lu_thang": True,
        },
    )
    activities.save_link(
        entity=w.coop_ds,
        values={
            "enterprise": "Công ty Nông sản",
            "product": "Gạo",
            "contract_date": dt.date(2023, 1, 1),
        },
    )
    url = reverse("execution:link_list")
    everything = dept.get(url).text
    assert "Công ty TNHH XNK Ma Lù Thàng" in everything
    assert "Công ty Nông sản" in everything
    assert "800" in everything
    assert "Công ty Nông sản" not in dept.get(url, {"export": "on"}).text
    in_2023 = dept.get(url, {"year": "2023"}).text
    assert "Ma Lù Thàng</td>" not in in_2023
    assert "Công ty Nông sản" in in_2023
    assert "Công ty Nông sản" not in dept.get(url, {"q": "phuc hung"}).text
    assert dept.get(url, {"year": "nonsense", "page": "x"}).status_code == 200
    officer = client_for(member(Role.COMMUNE, "3549", w.xa))
    assert "Công ty Nông sản" not in officer.get(url).text  # another commune's cooperative


def test_it_derives_the_yearly_value_chain_flag_from_the_links(w):
    for year in (2021, 2022, 2023):
        factories.yearly(w.coop_xa, year, members=10, value_chain=year == 2023)
    activities.save_link(
        entity=w.coop_xa,
        values={
            "enterprise": "Công ty CP Nông sản Tây Bắc",
            "product": "Gạo",
            "contract_date": dt.date(2021, 3, 1),
            "end_date": dt.date(2022, 2, 28),
        },
    )
    officer = client_for(member(Role.COMMUNE, "3549", w.xa))
    page = officer.get(reverse("execution:entity_links", args=[w.coop_xa.code]))
    assert page.status_code == 200
    assert "Cập nhật số liệu năm theo hợp đồng" in page.text
    response = officer.post(reverse("execution:value_chain_derive", args=[w.coop_xa.code]))
    assert response.status_code == 302
    flags = dict(w.coop_xa.reports.values_list("year", "value_chain"))
    assert flags == {2021: True, 2022: True, 2023: False}
    audited = AuditEntry.objects.filter(entity=w.coop_xa, target__startswith="yearly:")
    assert {e.target for e in audited if "value_chain" in e.changes} == {
        "yearly:2021",
        "yearly:2022",
        "yearly:2023",
    }
    again = officer.get(reverse("execution:entity_links", args=[w.coop_xa.code]))
    assert "Cập nhật số liệu năm theo hợp đồng" not in again.text
    assert "Số liệu năm đã khớp với các hợp đồng." in again.text


def test_it_edits_and_deletes_a_link_and_refuses_bad_dates(w):
    officer = client_for(member(Role.COMMUNE, "3549", w.xa))
    link = activities.save_link(
        entity=w.coop_xa,
        values={"enterprise": "Công ty A", "product": "Chè", "contract_date": dt.date(2021, 1, 5)},
    )
    url = reverse("execution:link_edit", args=[w.coop_xa.code, link.pk])
    form = officer.get(url)
    assert 'value="05/01/2021"' in form.text
    bad = officer.post(
        url,
        {
            "enterprise": "Công ty A",
            "product": "Chè",
            "contract_date": "05/01/2021",
            "end_date": "01/01/2021",
        },
    )
    assert bad.status_code == 400
    assert "Ngày kết thúc hợp đồng trước ngày ký." in bad.text
    early = officer.post(
        url, {"enterprise": "Công ty A", "product": "Chè", "contract_date": "01/01/1990"}
    )
    assert early.status_code == 400
    assert "Ngày hợp đồng trước ngày thành lập HTX." in early.text
    ok = officer.post(
        url,
        {
            "enterprise": "Công ty B",
            "product": "Chè",
            "contract_date": "05/01/2021",
            "value": "1.250,5",
            "exports_via_ma_lu_thang": "on",
        },
    )
    assert ok.status_code == 302
    link.refresh_from_db()
    assert (link.enterprise, link.value, link.exports_via_ma_lu_thang) == (
        "Công ty B",
        D("1250.5"),
        True,
    )
    # Another cooperative's code in the address does not reach this link.
    wrong = reverse("execution:link_edit", args=[w.coop_ds.code, link.pk])
    assert client_for(admin()).get(wrong).status_code == 404
    delete = reverse("execution:link_delete", args=[w.coop_xa.code, link.pk])
    assert officer.post(delete).status_code == 302
    assert not w.coop_xa.enterprise_links.exists()


# --- Việc của tôi -------------------------------------------------------------------------


def test_my_work_lists_what_is_overdue_and_what_is_due(w):
    on = today()
    Activity.objects.all().delete()
    late = activity(
        w.task,
        w.nn,
        "Báo cáo quý chưa nộp",
        start_date=on - dt.timedelta(days=20),
        end_date=on - dt.timedelta(days=1),
    )
    soon = activity(
        w.task, w.nn, "Hội nghị sơ kết", start_date=on, end_date=on + dt.timedelta(days=30)
    )
    activity(
        w.task,
        w.nn,
        "Đã xong",
        start_date=on - dt.timedelta(days=9),
        end_date=on - dt.timedelta(days=2),
        status="done",
    )
    activity(
        w.task,
        w.nn,
        "Đã hủy",
        start_date=on - dt.timedelta(days=9),
        end_date=on - dt.timedelta(days=2),
        status="cancelled",
    )
    activity(w.task, w.nn, "Còn xa", start_date=on, end_date=on + dt.timedelta(days=31))
    activity(
        w.task,
        w.kt,
        "Việc của phòng khác",
        start_date=on - dt.timedelta(days=9),
        end_date=on - dt.timedelta(days=2),
    )
    response = client_for(member(Role.DEPARTMENT, "109", w.nn)).get(reverse("execution:my_work"))
    assert response.status_code == 200
    assert [a.title for a in response.context["overdue"]] == [late.title]
    assert [a.title for a in response.context["due"]] == [soon.title]
    for absent in ("Đã xong", "Đã hủy", "Còn xa", "Việc của phòng khác"):
        assert absent not in response.text
    assert (on - dt.timedelta(days=1)).strftime("%d/%m/%Y") in response.text


def test_my_work_of_a_commune_officer_covers_its_commune(w):
    on = today()
    Activity.objects.filter(pk=w.act_xa.pk).update(end_date=on - dt.timedelta(days=3))
    Activity.objects.filter(pk=w.act_ds.pk).update(end_date=on - dt.timedelta(days=3))
    response = client_for(member(Role.COMMUNE, "3549", w.xa)).get(reverse("execution:my_work"))
    assert [a.title for a in response.context["overdue"]] == [w.act_xa.title]


def test_a_planning_officers_new_activity_is_for_its_own_unit_and_shows_in_my_work(w):
    """The bug of issue 9: the planning office may write for every unit, so the form
    offered none by default and the officer picked its office's old name; its new activity
    never showed in "Việc của tôi". The form now starts on the user's own unit."""
    on = today()
    tc = ImplementingUnit.objects.create(name="Sở Tài chính", kind="department")
    ImplementingUnit.objects.create(
        name="Phòng Tài chính - Kế hoạch", kind="department", valid_to=on - dt.timedelta(days=9)
    )
    officer = client_for(member(Role.PLANNING, "109", tc))
    url = reverse("execution:activity_create") + f"?task={w.task.pk}"
    form = officer.get(url)
    assert re.search(rf'<option value="{tc.pk}" selected>Sở Tài chính', form.text)
    chosen = form.context["form"]["unit"].value()
    officer.post(
        url,
        {
            "task": w.task.pk,
            "unit": chosen,
            "kind": "training",
            "title": "Tập huấn kế toán HTX",
            "start_date": on.strftime("%d/%m/%Y"),
            "end_date": (on + dt.timedelta(days=10)).strftime("%d/%m/%Y"),
            "status": "planned",
        },
    )
    page = officer.get(reverse("execution:my_work"))
    assert [a.title for a in page.context["due"]] == ["Tập huấn kế toán HTX"]


def test_my_work_shows_yearly_figures_and_ocop_to_whom_they_concern(w, phong_tho):
    """Last year's figures: OWN has none yet, OTHER was returned. The representative of
    OWN sees its figure to enter and no activity section; the planning office sees what
    waits for approval; a viewer sees no yearly nor OCOP section. An OCOP certificate
    recognised 36 months less 20 days ago expires in 20 days."""
    from kttt.registry import services as registry

    year = today().year - 1
    own = coop("OWN", phong_tho.tt_phong_tho, phong_tho.xa_phong_tho)
    other = coop("OTHER", phong_tho.tt_phong_tho, phong_tho.xa_phong_tho)
    report = registry.save_yearly(entity=other, year=year, values={"members": 3}, approve=False)
    registry.submit_yearly(report=report)
    recognised = add_months(today() + dt.timedelta(days=20), -36)
    registry.save_ocop(
        entity=own, name="Chè Shan tuyết", values={"stars": 3, "recognized_on": recognised}
    )
    rep = client_for(factories.user_with_role(Role.COOPERATIVE, cooperative=own)).get(
        reverse("execution:my_work")
    )
    assert [e.code for e in rep.context["to_enter"]] == ["OWN"]
    assert "qua-han" not in rep.text
    assert "Chè Shan tuyết" in rep.text
    office = client_for(member(Role.PLANNING, "109")).get(reverse("execution:my_work"))
    assert [r.entity.code for r in office.context["to_approve"]] == ["OTHER"]
    assert "so-lieu-can-gui" not in office.text
    viewer = client_for(member(Role.VIEWER, "109")).get(reverse("execution:my_work"))
    assert "cho-duyet" not in viewer.text
    assert "ocop-het-han" not in viewer.text


def menu(user) -> str:
    page = client_for(user).get(reverse("registry:entity_list")).text
    return page.split('class="nav"')[1].split("</nav>")[0]


def test_the_menu_offers_plan_work_and_my_work_only_to_those_with_a_unit(w):
    worker = menu(member(Role.DEPARTMENT, "109", w.nn))
    assert f'href="{reverse("execution:task_list")}">Thực hiện đề án<' in worker
    assert f'href="{reverse("execution:my_work")}">Việc của tôi<' in worker
    reader = menu(member(Role.VIEWER, "109"))
    assert "Thực hiện đề án" in reader
    assert "Việc của tôi" not in reader


# --- a new plan from this one's structure ------------------------------------------------


def test_it_makes_a_new_plan_from_this_ones_structure(w, planner):
    """The one copy flow (/de-an/<id>/sao-chep/) takes targets, tasks and fund sources. The
    plan runs year-1..year+1; the new one year+2..year+6, so every task moves 3 years."""
    target = Target.objects.create(
        plan=w.plan,
        code="d_value_chain",
        description="5-10% HTX liên kết chuỗi giá trị",
        indicator="value_chain_pct",
        comparison="gte",
        value=5,
        schedule="every_year",
    )
    w.solution.targets.set([target])
    budget.set_line(task=w.task, source=w.district, year=w.year, requested=D(1), allocated=D(1))
    tasks_page = planner.get(reverse("execution:task_list"))
    url = reverse("plans:plan_copy", args=[w.plan.pk])
    assert f'href="{url}"' in tasks_page.text
    form = planner.get(url)
    assert form.status_code == 200
    assert f'value="{w.year + 2}"' in form.text
    bad = planner.post(url, {"name": "Mới", "start_year": "2031", "end_year": "2030"})
    assert bad.status_code == 400
    response = planner.post(
        url,
        {
            "name": "Đề án KTTT giai đoạn mới",
            "area_code": "03549",
            "start_year": str(w.year + 2),
            "end_year": str(w.year + 6),
        },
    )
    assert response.status_code == 302
    new = Plan.objects.get(name="Đề án KTTT giai đoạn mới")
    assert response["Location"] == reverse("plans:plan_detail", args=[new.pk])
    # Huyện Phong Thổ has ended: the copy is made for Xã Phong Thổ, which carried it on,
    # with the old plan's final year as its baseline year.
    assert (new.area_code, new.start_year, new.end_year) == ("03549", w.year + 2, w.year + 6)
    assert new.baseline_year == w.year + 1
    assert [t.code for t in new.targets.all()] == ["d_value_chain"]
    tasks = {t.code: t for t in new.tasks.all()}
    assert set(tasks) == {"III.3.a", "III.4.c"}
    assert tasks["III.3.a"].responsible == w.nn
    assert set(tasks["III.3.a"].cooperating.all()) == {w.kt, w.xa}
    assert (tasks["III.3.a"].start_year, tasks["III.3.a"].end_year) == (w.year + 2, w.year + 4)
    assert [t.code for t in tasks["III.4.c"].targets.all()] == ["d_value_chain"]
    assert tasks["III.4.c"].targets.get().plan == new
    assert list(new.fund_sources.values_list("name", "total")) == [
        ("Ngân sách huyện", D(500)),
        ("Ngân sách tỉnh", D(1500)),
    ]
    assert not Activity.objects.filter(task__plan=new).exists()
    assert not BudgetLine.objects.filter(task__plan=new).exists()
    assert Task.objects.filter(plan=w.plan).count() == 2  # the old plan is untouched
    assert w.plan.targets.count() == 1
    page = planner.get(response["Location"]).text
    assert "1 mục tiêu, 2 nhiệm vụ, giải pháp và 2 nguồn kinh phí" in page


def test_it_keeps_the_copied_tasks_inside_a_shorter_period(w):
    """year-1..year+1 copied to year+2..year+3 (offset 3): III.3.a year-1..year+1 becomes
    year+2..year+4, cut to the period's end: year+2..year+3."""
    new = services.copy_plan(
        plan=w.plan, name="Kỳ ngắn", start_year=w.year + 2, end_year=w.year + 3, area_code="12"
    )
    task = new.tasks.get(code="III.3.a")
    assert (task.start_year, task.end_year) == (w.year + 2, w.year + 3)


def test_the_old_copy_address_redirects_to_the_one_copy_page(w, planner):
    old = f"/thuc-hien/de-an/{w.plan.pk}/tao-moi/"
    assert reverse("execution:plan_copy", args=[w.plan.pk]) == old
    response = planner.get(old)
    assert response.status_code == 301
    assert response["Location"] == f"/de-an/{w.plan.pk}/sao-chep/"
    assert planner.get(old, follow=True).status_code == 200
    assert Plan.objects.count() == 2  # the redirect itself writes nothing


def test_the_demo_plan_carries_its_own_text_and_responsibilities(tmp_path, settings):
    from django.core.management import call_command

    from kttt.accounts.models import Role
    from kttt.plans.models import Task
    from tests.web import client_for, person

    settings.VAR_DIR = tmp_path
    call_command("load_demo", password="x-demo-x")
    task = Task.objects.get(code="III.3.d")
    assert "Quyết định số 167/QĐ-TTg ngày 03 tháng 02 năm 2021" in task.text
    assert Task.objects.get(code="III.4.h").text.startswith("Đẩy mạnh phong trào thi đua")
    page = client_for(person(Role.PLANNING, "109")).get("/thuc-hien/").content.decode()
    assert "Phân công thực hiện" in page
    assert "liên kết xuất khẩu hàng hóa nông sản qua cửa khẩu ma Lù Thàng" in page


def test_a_copied_task_goes_to_the_unit_that_took_over_an_ended_one(w):
    """Phòng Nông nghiệp leads III.3.a; it ends on 30/06 of this year and its work passes to
    a provincial department: the next period's copy names the department, not the office."""
    from kttt.plans.units import end_unit

    last_day = dt.date(w.year, 6, 30)
    so = ImplementingUnit.objects.create(
        name="Sở Nông nghiệp và Môi trường",
        kind="department",
        valid_from=last_day + dt.timedelta(days=1),
    )
    Activity.objects.filter(unit=w.nn).delete()  # no work of its own after its end
    end_unit(unit=w.nn, date=last_day, successors=[so])
    Task.objects.filter(pk=w.task.pk).update(responsible=w.nn)  # as the old plan had it
    new = services.copy_plan(
        plan=w.plan, name="Kỳ sau", start_year=w.year + 2, end_year=w.year + 6, area_code="12"
    )
    assert new.tasks.get(code="III.3.a").responsible == so
    assert new.tasks.get(code="III.4.c").responsible == w.kt  # still in office: kept
