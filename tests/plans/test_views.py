"""Plan pages: the list, a plan's targets for a year, and entering plans and targets.

Personas: an administrator; a planning officer of Huyện Phong Thổ (109), who writes plans
there; a viewer of 109 (reads, never writes); a commune officer of Xã Phong Thổ (03549),
for whom the district's plan is another area's.
"""

from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kttt.accounts.models import Role
from kttt.demo.seed import load_phong_tho_plan
from kttt.plans import services
from kttt.plans.evaluation import projection
from kttt.plans.models import Activity, BudgetLine, Plan, Target, Task
from tests.web import PLAIN_STORAGES, admin, client_for, commune_officer, person

pytestmark = pytest.mark.django_db
STATUSES = {"Đạt", "Chưa đạt", "Chưa đủ số liệu", "Đúng tiến độ", "Chậm tiến độ"}
CODES = [
    "a_new_coops",
    "b_effective",
    "c_income_growth",
    "d_hightech",
    "d_value_chain",
    "d_ocop",
    "dd_mgr_primary",
    "dd_mgr_intermediate",
]


@pytest.fixture(autouse=True)
def _plain_static(settings):
    settings.STORAGES = PLAIN_STORAGES


@pytest.fixture
def plan(phong_tho):
    return load_phong_tho_plan()


@pytest.fixture
def planner(db):
    return client_for(person(Role.PLANNING, "109"))


@pytest.fixture
def reader(db):
    return client_for(person(Role.VIEWER, "109"))


@pytest.fixture
def outsider(db):
    """A commune officer of Xã Bản Bo, once of Huyện Tam Đường: nothing of Phong Thổ."""
    return client_for(commune_officer("03424"))


@pytest.fixture
def demo(tmp_path, settings):
    settings.VAR_DIR = tmp_path
    call_command("load_demo", password="mat-khau-demo")
    return Plan.objects.get()


def target_of(plan, code="b_effective"):
    return plan.targets.get(code=code)


def plan_post(**over):
    data = {
        "name": "Đề án phát triển KTTT giai đoạn 2026-2030",
        "area_code": "109",
        "start_year": "2026",
        "end_year": "2030",
        "baseline_year": "",
        "description": "",
    }
    return {**data, **over}


def target_post(**over):
    data = {
        "code": "e_members",
        "description": "Tổng số thành viên trên 1.000 người",
        "indicator": "members",
        "kind": "htx",
        "comparison": "gt",
        "value": "1.000",
        "value_high": "",
        "expected_low": "",
        "expected_high": "",
        "schedule": "end",
        "order": "",
    }
    return {**data, **over}


# --- access ---------------------------------------------------------------------------


def reads(plan):
    return [f"/de-an/{plan.pk}/", f"/de-an/{plan.pk}/?year=2023"]


def writes(plan):
    target = target_of(plan)
    return [
        f"/de-an/{plan.pk}/sua/",
        f"/de-an/{plan.pk}/sao-chep/",
        f"/de-an/{plan.pk}/muc-tieu/them/",
        f"/de-an/{plan.pk}/muc-tieu/{target.pk}/",
        f"/de-an/{plan.pk}/muc-tieu/{target.pk}/xoa/",
    ]


def test_it_sends_anonymous_visitors_to_the_login_page(client, plan):
    for address in ["/de-an/", "/de-an/them/", *reads(plan), *writes(plan)]:
        response = client.get(address)
        assert response.status_code == 302, address
        assert response["Location"].startswith("/dang-nhap/?next=")


def test_it_shows_the_plan_to_readers_of_its_area(plan, planner, reader):
    for client in (planner, reader, client_for(admin())):
        assert client.get("/de-an/").status_code == 200
        assert plan.name in client.get("/de-an/").text
        for address in reads(plan):
            assert client.get(address).status_code == 200


def test_it_hides_the_plan_of_another_area(plan, outsider):
    assert plan.name not in outsider.get("/de-an/").text
    for address in [*reads(plan), *writes(plan)]:
        assert outsider.get(address).status_code == 404, address
        assert outsider.post(address, {}).status_code == 404, address


def test_it_opens_the_plan_to_a_commune_officer_without_the_district_figures(plan):
    """The commune works inside the district: it sees the plan under /de-an/ as under
    /thuc-hien/, but the targets' status are the district's figures, not its own."""
    officer = client_for(commune_officer())
    assert plan.name in officer.get("/de-an/").text
    page = officer.get(f"/de-an/{plan.pk}/")
    assert page.status_code == 200
    assert "ngoài phạm vi số liệu của bạn" in page.text
    assert "Chưa đạt" not in page.text
    assert "Đạt" not in page.text
    for address in writes(plan):
        assert officer.get(address).status_code == 403, address


def test_it_forbids_writes_to_a_viewer(plan, reader):
    for address in ["/de-an/them/", *writes(plan)]:
        assert reader.get(address).status_code == 403, address
        assert reader.post(address, {}).status_code == 403, address
    assert plan.targets.count() == 8


def test_it_forbids_writes_to_a_department(plan):
    department = client_for(person(Role.DEPARTMENT, "109"))
    assert department.get(f"/de-an/{plan.pk}/").status_code == 200
    for address in ["/de-an/them/", *writes(plan)]:
        assert department.get(address).status_code == 403, address


def test_it_opens_every_form_to_a_planning_officer_of_the_area(plan, planner):
    for address in ["/de-an/them/", *writes(plan)]:
        assert planner.get(address).status_code == 200, address


def test_it_shows_write_buttons_only_to_writers(plan, planner, reader):
    assert "Thêm mục tiêu" in planner.get(f"/de-an/{plan.pk}/").text
    assert "Thêm đề án" in planner.get("/de-an/").text
    text = reader.get(f"/de-an/{plan.pk}/").text
    assert "Thêm mục tiêu" not in text
    assert "Sửa đề án" not in text
    assert "Thêm đề án" not in reader.get("/de-an/").text


# --- evaluation -----------------------------------------------------------------------


def test_it_evaluates_the_8_demo_targets_for_2025(demo):
    client = client_for(person(Role.PLANNING, "109"))
    response = client.get(f"/de-an/{demo.pk}/", {"year": "2025"})
    assert response.status_code == 200
    rows = response.context["rows"]
    assert [r["code"] for r in rows] == CODES
    assert all(r["status"] in STATUSES for r in rows)
    text = response.text.split('id="results"')[1]
    for expected in ("Mục tiêu năm 2025", "&gt; 50 %", "≥ 1 HTX", "≥ 8 HTX", "mong đợi 7–10 %"):
        assert expected in text
    assert 'class="badge ok">Đạt<' in text
    assert "Dự báo năm 2025" in text
    assert "2.025" not in response.text


def test_it_names_targets_by_their_description_not_their_code(demo):
    client = client_for(person(Role.PLANNING, "109"))
    response = client.get(f"/de-an/{demo.pk}/", {"year": "2023"})
    text = response.text.split('id="results"')[1]
    for code in CODES:
        assert code not in text
    # Both tables, the year's and the year-by-year one, name each target.
    assert text.count("Hằng năm thành lập mới từ 1-2 HTX trở lên") == 2


def test_a_projected_count_is_a_whole_number():
    # (2021, 1), (2022, 2), (2023, 2): mean 2022 and 5/3, slope (2/3 + 1/3) / 2 = 0,5;
    # at 2025: 5/3 + 0,5 × 3 = 3,1667.
    points = [(2021, 1.0), (2022, 2.0), (2023, 2.0)]
    assert projection(Target(indicator="coops_new"), points, 2025) == 3
    assert projection(Target(indicator="ocop_products"), points, 2025) == 3
    share = projection(Target(indicator="coops_effective_pct"), points, 2025)
    assert share == pytest.approx(3.1667, abs=1e-4)
    # A count falling fast is not projected below none.
    assert projection(Target(indicator="coops_new"), [(2021, 5.0), (2022, 1.0)], 2025) == 0


def test_it_lists_tasks_before_solutions_as_the_plan_does(demo):
    client = client_for(person(Role.PLANNING, "109"))
    text = client.get("/thuc-hien/", {"plan": demo.pk}).text
    codes = [f"III.3.{c}" for c in "abcdđe"] + [f"III.4.{c}" for c in "abcdđegh"]
    positions = [text.index(code) for code in codes]
    assert positions == sorted(positions)
    assert [t.code for t in demo.tasks.all()] == codes


def test_it_shows_the_status_of_every_year_up_to_now(demo):
    client = client_for(person(Role.PLANNING, "109"))
    response = client.get(f"/de-an/{demo.pk}/", {"year": "2023"})
    assert response.context["table_years"] == ["2021", "2022", "2023", "2024", "2025"]
    for row in response.context["rows"]:
        assert len(row["years"]) == 5
        assert {str(label) for label, _css in row["years"]} <= STATUSES
    ocop = next(r for r in response.context["rows"] if r["code"] == "d_ocop")
    # An end-of-period target: progress before 2025, a verdict in 2025.
    assert {str(label) for label, _css in ocop["years"][:4]} <= {"Đúng tiến độ", "Chậm tiến độ"}
    assert str(ocop["years"][4][0]) in {"Đạt", "Chưa đạt"}


def test_it_shows_a_range_target_and_the_colours_of_the_statuses(plan, planner):
    from kttt.plans.views.common import STATUS_CLASS
    from kttt.plans.views.plans import target_text

    target = target_of(plan, "c_income_growth")
    target.comparison, target.value_high = "range", 10
    target.save(update_fields=["comparison", "value_high"])
    assert target_text(target) == "7–10 %"
    assert STATUS_CLASS == {
        "achieved": "ok",
        "not_achieved": "bad",
        "no_data": "",
        "on_track": "info",
        "behind": "warn",
    }
    assert "7–10 %" in planner.get(f"/de-an/{plan.pk}/", {"year": "2021"}).text


@pytest.mark.parametrize(
    ("year", "message"),
    [("2030", "nằm ngoài kỳ của đề án (2021–2025)"), ("abc", "Năm “abc” không hợp lệ")],
)
def test_it_answers_a_bad_year_with_a_vietnamese_message(plan, planner, year, message):
    response = planner.get(f"/de-an/{plan.pk}/", {"year": year})
    assert response.status_code == 400
    assert message in response.text


def test_it_returns_only_the_results_to_an_htmx_request(plan, planner):
    response = planner.get(f"/de-an/{plan.pk}/", {"year": "2022"}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert "<html" not in response.text
    assert "Mục tiêu năm 2022" in response.text


def test_it_keeps_the_number_of_list_queries_constant(plan, planner):
    def queries():
        with CaptureQueriesContext(connection) as ctx:
            assert planner.get("/de-an/").status_code == 200
        return len(ctx)

    planner.get("/de-an/")  # warm-up
    one = queries()
    load_phong_tho_plan()
    load_phong_tho_plan()
    assert queries() == one


# --- entering plans -------------------------------------------------------------------


def test_it_creates_a_plan(phong_tho, planner):
    response = planner.post("/de-an/them/", plan_post())
    assert response.status_code == 302
    plan = Plan.objects.get()
    assert response["Location"] == f"/de-an/{plan.pk}/"
    assert (plan.area_code, plan.start_year, plan.end_year) == ("109", 2026, 2030)
    assert plan.baseline_year == 2026  # blank means the first year


@pytest.mark.parametrize(
    ("over", "field", "message"),
    [
        ({"area_code": "99999"}, "area_code", "Không có đơn vị hành chính mã 99999"),
        ({"area_code": "12"}, "area_code", "ngoài phạm vi được giao"),
        (
            {"area_code": "106", "start_year": "2021", "end_year": "2025"},
            "area_code",
            "ngoài phạm vi",
        ),
        ({"end_year": "2024"}, "end_year", "không được trước năm bắt đầu"),
        ({"end_year": "2050"}, "end_year", "tối đa 15 năm"),
        ({"start_year": "20x6"}, "start_year", "không phải là số"),
        ({"baseline_year": "2031"}, "baseline_year", "Năm cơ sở"),
        ({"name": ""}, "name", "Chưa nhập trường này."),
    ],
)
def test_it_refuses_an_invalid_plan(phong_tho, planner, over, field, message):
    response = planner.post("/de-an/them/", plan_post(**over))
    assert response.status_code == 400
    assert message in " ".join(response.context["form"].errors[field])
    assert not Plan.objects.exists()


def test_it_reads_the_area_at_the_start_year(phong_tho):
    """3562 was Xã Vàng Ma Chải before 01/7/2025 and is Xã Sì Lở Lầu after."""
    client = client_for(admin())
    client.post("/de-an/them/", plan_post(area_code="3562", start_year="2021", end_year="2025"))
    assert Plan.objects.get().area_code == "03562"


def test_it_edits_a_plan(plan, planner):
    response = planner.post(
        f"/de-an/{plan.pk}/sua/",
        plan_post(name="Đề án đã sửa", start_year="2021", end_year="2025", baseline_year="2021"),
    )
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.name == "Đề án đã sửa"


def test_it_copies_the_plan_to_2026_2030_with_its_structure(demo):
    """The demo plan has 8 targets, 14 tasks and solutions (all 2021–2025) and 2 fund
    sources (500 and 1.500 triệu đồng); III.4.b is moved to 2024–2025 here."""
    Task.objects.filter(plan=demo, code="III.4.b").update(start_year=2024, end_year=2025)
    assert Activity.objects.filter(task__plan=demo).exists()  # history, not to be copied
    assert BudgetLine.objects.filter(task__plan=demo).exists()
    client = client_for(person(Role.PLANNING, "109"))
    form = client.get(f"/de-an/{demo.pk}/sao-chep/").context["form"]
    assert form.initial["name"].endswith("giai đoạn 2026-2030")
    assert (form.initial["start_year"], form.initial["end_year"]) == (2026, 2030)
    response = client.post(
        f"/de-an/{demo.pk}/sao-chep/",
        {
            "name": form.initial["name"],
            "area_code": "03549",
            "start_year": "2026",
            "end_year": "2030",
        },
    )
    assert response.status_code == 302
    new = Plan.objects.exclude(pk=demo.pk).get()
    assert (new.start_year, new.end_year, new.baseline_year) == (2026, 2030, 2025)
    assert new.area_code == "03549"  # Huyện Phong Thổ ended on 30/06/2025
    assert list(new.targets.values_list("code", flat=True)) == CODES
    old = {t.code: t for t in demo.targets.all()}
    for target in new.targets.all():
        source = old[target.code]
        assert (target.indicator, target.comparison, target.value, target.schedule) == (
            source.indicator,
            source.comparison,
            source.value,
            source.schedule,
        )
    assert demo.targets.count() == 8
    # Every task moves by 5 years (2021 -> 2026) and keeps its units and targets, found
    # by code in the new plan: 2021–2025 -> 2026–2030, III.4.b 2024–2025 -> 2029–2030.
    old_tasks = {t.code: t for t in demo.tasks.all()}
    tasks = {t.code: t for t in new.tasks.all()}
    assert len(tasks) == 14
    assert set(tasks) == set(old_tasks)
    assert (tasks["III.3.a"].start_year, tasks["III.3.a"].end_year) == (2026, 2030)
    assert (tasks["III.4.b"].start_year, tasks["III.4.b"].end_year) == (2029, 2030)
    for code, task in tasks.items():
        old_task = old_tasks[code]
        assert task.responsible_id == old_task.responsible_id
        assert set(task.cooperating.all()) == set(old_task.cooperating.all())
        served = [t.code for t in task.targets.all()]
        assert sorted(served) == sorted(t.code for t in old_task.targets.all())
        assert all(t.plan_id == new.pk for t in task.targets.all())
    assert sum(len(t.targets.all()) for t in tasks.values()) == 9
    assert list(new.fund_sources.order_by("order", "name").values_list("name", "total")) == [
        ("Ngân sách huyện", Decimal(500)),
        ("Ngân sách tỉnh", Decimal(1500)),
    ]
    # Activities, budget lines and payments are the old plan's history.
    assert not Activity.objects.filter(task__plan=new).exists()
    assert not BudgetLine.objects.filter(task__plan=new).exists()
    assert demo.tasks.count() == 14
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert page.context["year"] == "2026"
    assert "8 mục tiêu, 14 nhiệm vụ, giải pháp và 2 nguồn kinh phí" in page.text


# --- entering targets -----------------------------------------------------------------


def test_it_adds_a_target_with_numbers_written_the_vietnamese_way(plan, planner):
    response = planner.post(f"/de-an/{plan.pk}/muc-tieu/them/", target_post())
    assert response.status_code == 302
    target = target_of(plan, "e_members")
    assert target.value == 1000
    assert target.order == 9  # after the eight others
    assert "&gt; 1.000 người" in planner.get(f"/de-an/{plan.pk}/", {"year": "2021"}).text


def test_it_adds_a_range_target(plan, planner):
    response = planner.post(
        f"/de-an/{plan.pk}/muc-tieu/them/",
        target_post(comparison="range", value="7,5", value_high="10", schedule="every_year"),
    )
    assert response.status_code == 302
    target = target_of(plan, "e_members")
    assert (float(target.value), target.value_high) == (7.5, 10)


@pytest.mark.parametrize(
    ("over", "field", "message"),
    [
        ({"code": "b_effective"}, "code", "Đề án đã có mục tiêu mã b_effective"),
        ({"code": "mục tiêu"}, "code", "chữ không dấu"),
        ({"comparison": "range"}, "value_high", "Cần giá trị trên"),
        ({"comparison": "range", "value_high": "5"}, "value_high", "không được nhỏ hơn"),
        ({"expected_low": "1"}, "expected_high", "cả hai đầu"),
        ({"value": "nhiều"}, "value", "không phải là số"),
        ({"value": "1,2345"}, "value", "Tối đa 3 chữ số thập phân"),
        ({"indicator": "khong_co"}, "indicator", "Lựa chọn không hợp lệ"),
        ({"description": " "}, "description", "Chưa nhập trường này."),
    ],
)
def test_it_refuses_an_invalid_target(plan, planner, over, field, message):
    response = planner.post(f"/de-an/{plan.pk}/muc-tieu/them/", target_post(**over))
    assert response.status_code == 400
    assert message in " ".join(response.context["form"].errors[field])
    assert plan.targets.count() == 8


def test_it_edits_a_target(plan, planner):
    target = target_of(plan)
    response = planner.post(
        f"/de-an/{plan.pk}/muc-tieu/{target.pk}/",
        target_post(
            code="b_effective",
            description="Tỷ lệ HTX hoạt động hiệu quả đạt trên 60%",
            indicator="coops_effective_pct",
            value="60",
            order="2",
        ),
    )
    assert response.status_code == 302
    target.refresh_from_db()
    assert (target.value, target.order, target.schedule) == (60, 2, "end")


def test_it_deletes_a_target_after_confirmation(plan, planner):
    target = target_of(plan)
    address = f"/de-an/{plan.pk}/muc-tieu/{target.pk}/xoa/"
    assert "Xác nhận xóa" in planner.get(address).text
    assert planner.post(address).status_code == 302
    assert not Target.objects.filter(pk=target.pk).exists()


def test_it_refuses_a_target_of_another_plan(plan, planner):
    other = services.copy_plan(
        plan=plan, name="Kỳ sau", start_year=2026, end_year=2030, area_code="03549"
    )
    target = target_of(other)
    assert planner.get(f"/de-an/{plan.pk}/muc-tieu/{target.pk}/").status_code == 404


def test_the_plan_page_counts_unapproved_figures_only_when_asked(phong_tho, settings):
    """One cooperative with 5 members approved for 2024, another with 8 members in a draft:
    officially 5 members (target ≥ 10: Chưa đạt); with the switch, 13 (Đạt)."""
    from kttt.registry import services as registry
    from tests.web import coop

    settings.KTTT_HOME_AREA = "109"
    a = coop("APPR", phong_tho.tt_phong_tho, phong_tho.xa_phong_tho, name="HTX Đã duyệt")
    b = coop("DRAFT", phong_tho.tt_phong_tho, phong_tho.xa_phong_tho, name="HTX Nháp")
    registry.save_yearly(entity=a, year=2024, values={"members": 5}, approve=True)
    registry.save_yearly(entity=b, year=2024, values={"members": 8}, approve=False)
    plan = Plan.objects.create(
        name="Đề án thử duyệt", area_code="109", start_year=2024, end_year=2025, baseline_year=2024
    )
    Target.objects.create(
        plan=plan,
        code="members",
        description="Tổng số thành viên từ 10 trở lên",
        indicator="members",
        comparison="gte",
        value=10,
        schedule="every_year",
    )
    page = f"/de-an/{plan.pk}/"
    office = client_for(person(Role.PLANNING, "109"))
    official = office.get(page, {"year": "2024"}).content.decode()
    assert "Chưa đạt" in official
    assert 'id="chua-duyet"' not in official
    both = office.get(page, {"year": "2024", "chua_duyet": "1"}).content.decode()
    assert 'id="chua-duyet"' in both
    row = both[both.index("Tổng số thành viên từ 10 trở lên") :]
    assert "Đạt" in row[:2000]
    assert "Chưa đạt" not in row[: row.index("</tr>")]
