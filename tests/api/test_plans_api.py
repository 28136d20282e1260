"""/api/v1/plans, a plan's budget and activities, /api/v1/activities/<id> and
/api/v1/reports: scoped exactly as the plans', execution and Reports pages.

The world: the plan of Huyện Phong Thổ (109) 2021–2025 with two targets, a task (III.3.a)
and a solution (III.4.b), two sources (huyện 500, tỉnh 1.500) and four activities, two of
Phòng Nông nghiệp and two of UBND xã Phong Thổ (03549). Cooperative OWN was founded in
2015 in Thị trấn Phong Thổ (old 03549) and moved into Xã Phong Thổ on 01/7/2025; MS was
founded on 01/3/2021 in Xã Mù Sang (109, not Xã Phong Thổ). Every figure below is worked
out by hand from these rows."""

import datetime as dt
import json
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from kttt.accounts.models import Membership, Role
from kttt.accounts.tokens import create_token
from kttt.documents.models import Report
from kttt.plans import activities, budget
from kttt.plans.models import ImplementingUnit, Plan, Target, Task
from tests import factories
from tests.web import client_for, coop, person

pytestmark = pytest.mark.django_db

D = dt.date


@pytest.fixture
def world(phong_tho):
    u = phong_tho
    own = coop("OWN", u.tt_phong_tho, u.xa_phong_tho, name="HTX Phúc Hưng")
    ms = factories.entity("MS", u.mu_sang, established=D(2021, 3, 1), name="HTX Mù Sang")
    plan = Plan.objects.create(
        name="Đề án KTTT huyện Phong Thổ 2021–2025",
        area_code="109",
        start_year=2021,
        end_year=2025,
        baseline_year=2021,
        decision_number="123/QĐ-UBND",
        decision_date=D(2021, 3, 5),
        decision_agency="UBND huyện Phong Thổ",
        legal_bases="Luật Hợp tác xã 2012\n\nNghị quyết 20-NQ/TW",
    )
    Target.objects.create(
        plan=plan,
        code="a_new_coops",
        description="Hằng năm thành lập mới từ 1-2 HTX trở lên",
        indicator="coops_new",
        comparison="gte",
        value=1,
        expected_low=1,
        expected_high=2,
        schedule="every_year",
        order=1,
    )
    Target.objects.create(
        plan=plan,
        code="b_effective",
        description="Tỷ lệ HTX hoạt động hiệu quả đạt trên 50%",
        indicator="coops_effective_pct",
        comparison="gt",
        value=Decimal("50"),
        schedule="every_year",
        order=2,
    )
    nn = ImplementingUnit.objects.create(name="Phòng Nông nghiệp và PTNT", kind="department")
    xa = ImplementingUnit.objects.create(
        name="UBND xã Phong Thổ", kind="commune", area_code="03549"
    )
    task = Task.objects.create(
        plan=plan, code="III.3.a", title="Tập huấn", responsible=nn, start_year=2021, end_year=2025
    )
    solution = Task.objects.create(
        plan=plan,
        kind="solution",
        code="III.4.b",
        title="Xúc tiến thương mại",
        start_year=2021,
        end_year=2025,
    )
    huyen = budget.set_source(plan=plan, name="Ngân sách huyện", total=Decimal(500))
    tinh = budget.set_source(plan=plan, name="Ngân sách tỉnh", total=Decimal(1500))
    a_huyen_22 = budget.set_line(
        task=task, source=huyen, year=2022, requested=Decimal(120), allocated=Decimal(100)
    )
    a_tinh_23 = budget.set_line(
        task=task, source=tinh, year=2023, requested=Decimal(300), allocated=Decimal("250.5")
    )
    b_huyen_23 = budget.set_line(
        task=solution, source=huyen, year=2023, requested=Decimal(60), allocated=Decimal(50)
    )

    def act(task, unit, title, start, end, status):
        values = {"task": task, "unit": unit, "kind": "training", "title": title}
        values |= {"start_date": start, "end_date": end, "status": status}
        return activities.save_activity(values=values)

    a1 = activities.save_activity(
        values={
            "task": task,
            "unit": xa,
            "kind": "propaganda",
            "title": "Tuyên truyền Luật HTX tại xã Phong Thổ",
            "start_date": D(2022, 3, 1),
            "end_date": D(2022, 3, 5),
            "status": "done",
            "participants": 40,
            "participants_coop": 12,
            "cost": Decimal("40"),
            "fund_source": huyen,
        },
        cooperatives=[own, ms],
    )
    a2 = act(task, nn, "Tập huấn kế toán HTX", D(2023, 4, 1), D(2023, 4, 30), "in_progress")
    a3 = act(solution, nn, "Hội chợ nông sản", D(2024, 9, 1), D(2024, 9, 10), "planned")
    a4 = act(solution, xa, "Gặp mặt HTX", D(2021, 5, 1), D(2021, 5, 2), "cancelled")
    budget.disburse(
        line=a_huyen_22, date=D(2022, 3, 5), amount=Decimal(40), document="01/CT", activity=a1
    )
    wrong = budget.disburse(
        line=a_huyen_22, date=D(2022, 6, 1), amount=Decimal("25.25"), document="02/CT"
    )
    budget.reverse(payment=wrong, date=D(2022, 7, 1), reason="Ghi nhầm")
    budget.disburse(line=a_tinh_23, date=D(2023, 5, 5), amount=Decimal(100), document="03/CT")
    budget.disburse(line=b_huyen_23, date=D(2023, 9, 1), amount=Decimal(10), document="04/CT")
    people = {
        "planning": person(Role.PLANNING, "109"),
        "viewer": person(Role.VIEWER, "109"),
        "commune": person(Role.COMMUNE, "03549"),
        "other": person(Role.COMMUNE, "03424"),  # Xã Bản Bo: another territory
        "coop": factories.user_with_role(Role.COOPERATIVE, cooperative=own),
    }
    Membership.objects.filter(user=people["commune"]).update(implementing_unit=xa)
    return {
        "plan": plan,
        "task": task,
        "solution": solution,
        "nn": nn,
        "xa": xa,
        "acts": [a1, a2, a3, a4],
        "people": people,
    }


def get(user, url, **headers):
    response = client_for(user).get(url, **headers)
    return response.status_code, json.loads(response.content.decode())


# --- plans ------------------------------------------------------------------------------------


def test_the_plan_list_is_the_plans_the_user_opens(world):
    plan = world["plan"]
    status, body = get(world["people"]["commune"], "/api/v1/plans")
    assert status == 200
    assert body["count"] == 1
    [row] = body["items"]
    assert row["id"] == plan.pk
    assert row["area_name"] == "Huyện Phong Thổ"  # read at 31/12/2021
    assert row["decision"] == "Quyết định số 123/QĐ-UBND ngày 05/3/2021 của UBND huyện Phong Thổ"
    # A commune's officer opens the district plan, does not read its targets nor write it.
    assert (row["in_full"], row["writable"]) == (False, False)
    status, body = get(world["people"]["planning"], "/api/v1/plans")
    assert (body["items"][0]["in_full"], body["items"][0]["writable"]) == (True, True)
    status, body = get(world["people"]["other"], "/api/v1/plans")
    assert (status, body["count"], body["items"]) == (200, 0, [])


def test_the_plan_list_pages_in_a_stable_order(world):
    for start in (2016, 2026):
        Plan.objects.create(
            name=f"Đề án {start}",
            area_code="109",
            start_year=start,
            end_year=start + 4,
            baseline_year=start,
        )
    user = world["people"]["viewer"]
    _s, first = get(user, "/api/v1/plans?per_page=2")
    _s, second = get(user, "/api/v1/plans?per_page=2&page=2")
    assert (first["count"], first["page"], first["per_page"]) == (3, 1, 2)
    years = [p["start_year"] for p in first["items"] + second["items"]]
    assert years == [2026, 2021, 2016]


def test_a_plans_detail_gives_its_targets_with_status_only_to_who_reads_it(world):
    plan = world["plan"]
    # MS, founded on 01/3/2021 in Huyện Phong Thổ: one new cooperative in 2021, ≥ 1.
    status, body = get(world["people"]["planning"], f"/api/v1/plans/{plan.pk}?year=2021")
    assert status == 200
    assert body["year"] == 2021
    assert body["legal_bases"] == ["Luật Hợp tác xã 2012", "Nghị quyết 20-NQ/TW"]
    assert body["decision_date"] == "2021-03-05"
    first, second = body["targets"]
    assert first["code"] == "a_new_coops"
    assert (first["comparison"], first["value"], first["expected_low"]) == ("gte", 1, 1)
    assert (first["status"], first["status_code"]) == ("Đạt", "achieved")
    assert (second["code"], second["value"], second["unit"]) == ("b_effective", 50, "%")
    # The commune's officer gets the same targets, without their status (as the page).
    status, body = get(world["people"]["commune"], f"/api/v1/plans/{plan.pk}?year=2021")
    assert status == 200
    assert [t["code"] for t in body["targets"]] == ["a_new_coops", "b_effective"]
    assert {(t["status"], t["status_code"]) for t in body["targets"]} == {(None, None)}


def test_a_plans_detail_defaults_to_this_year_within_the_period(world):
    status, body = get(world["people"]["viewer"], f"/api/v1/plans/{world['plan'].pk}")
    assert status == 200
    this_year = timezone.localdate().year
    assert body["year"] == min(max(this_year, 2021), 2025)


def test_another_territory_does_not_find_the_plan(world):
    plan = world["plan"]
    other = world["people"]["other"]
    for url in (
        f"/api/v1/plans/{plan.pk}",
        f"/api/v1/plans/{plan.pk}/budget",
        f"/api/v1/plans/{plan.pk}/activities",
        f"/api/v1/activities/{world['acts'][0].pk}",
        "/api/v1/plans/999999",
    ):
        status, body = get(other, url)
        assert (status, body["code"]) == (404, "not_found"), url


# --- budget -----------------------------------------------------------------------------------


def test_the_budget_sums_by_source_task_and_year_exactly(world):
    plan = world["plan"]
    status, body = get(world["people"]["commune"], f"/api/v1/plans/{plan.pk}/budget")
    assert status == 200
    assert (body["unit"], body["year"]) == ("triệu đồng", None)
    # requested 120 + 300 + 60; allocated 100 + 250,5 + 50; paid 40 + 25,25 − 25,25 + 100 + 10
    assert body["total"] == {
        "total": 2000,
        "unallocated": 1599.5,
        "requested": 480,
        "allocated": 400.5,
        "disbursed": 150,
        "remaining": 250.5,
    }
    huyen, tinh = body["by_source"]
    assert (huyen["name"], huyen["total"], huyen["unallocated"]) == ("Ngân sách huyện", 500, 350)
    assert (huyen["requested"], huyen["allocated"], huyen["disbursed"]) == (180, 150, 50)
    assert (tinh["allocated"], tinh["disbursed"], tinh["remaining"]) == (250.5, 100, 150.5)
    task, solution = body["by_task"]
    assert (task["code"], task["title"], task["kind"]) == ("III.3.a", "Tập huấn", "task")
    assert (task["requested"], task["allocated"], task["disbursed"]) == (420, 350.5, 140)
    assert (solution["code"], solution["allocated"], solution["remaining"]) == ("III.4.b", 50, 40)
    pairs = [
        (r["task_code"], r["source_name"], r["allocated"], r["disbursed"])
        for r in body["by_task_and_source"]
    ]
    assert pairs == [
        ("III.3.a", "Ngân sách huyện", 100, 40),
        ("III.3.a", "Ngân sách tỉnh", 250.5, 100),
        ("III.4.b", "Ngân sách huyện", 50, 10),
    ]
    assert [(r["year"], r["allocated"], r["disbursed"]) for r in body["by_year"]] == [
        (2022, 100, 40),
        (2023, 300.5, 110),
    ]


def test_the_budget_of_a_year_keeps_the_periods_totals(world):
    plan = world["plan"]
    status, body = get(world["people"]["planning"], f"/api/v1/plans/{plan.pk}/budget?year=2023")
    assert status == 200
    assert body["year"] == 2023
    assert body["total"] == {
        "total": 2000,
        "unallocated": 1599.5,
        "requested": 360,
        "allocated": 300.5,
        "disbursed": 110,
        "remaining": 190.5,
    }
    huyen = body["by_source"][0]
    assert (huyen["total"], huyen["unallocated"], huyen["allocated"], huyen["disbursed"]) == (
        500,
        350,
        50,
        10,
    )
    assert [r["year"] for r in body["by_year"]] == [2023]
    assert [(t["code"], t["allocated"]) for t in body["by_task"]] == [
        ("III.3.a", 250.5),
        ("III.4.b", 50),
    ]


def test_a_year_outside_the_period_is_refused_in_vietnamese(world):
    plan = world["plan"]
    status, body = get(world["people"]["planning"], f"/api/v1/plans/{plan.pk}/budget?year=2030")
    assert (status, body["code"]) == (400, "refused")
    assert body["message"] == "Năm 2030 nằm ngoài kỳ của đề án (2021–2025)."
    status, body = get(world["people"]["planning"], f"/api/v1/plans/{plan.pk}?year=2020")
    assert (status, body["code"]) == (400, "refused")


# --- activities -------------------------------------------------------------------------------


def ids(body):
    return [row["id"] for row in body["items"]]


def test_the_activities_are_those_of_the_execution_pages(world):
    a1, a2, a3, a4 = world["acts"]
    plan = world["plan"]
    status, body = get(world["people"]["planning"], f"/api/v1/plans/{plan.pk}/activities")
    assert status == 200
    assert body["count"] == 4
    assert ids(body) == [a3.pk, a2.pk, a1.pk, a4.pk]  # the latest start first
    # The commune's officer sees the activities of its own unit only.
    status, body = get(world["people"]["commune"], f"/api/v1/plans/{plan.pk}/activities")
    assert (status, ids(body)) == (200, [a1.pk, a4.pk])
    first = body["items"][0]
    assert (first["task_code"], first["task_title"]) == ("III.3.a", "Tập huấn")
    assert (first["unit_name"], first["status"], first["status_label"]) == (
        "UBND xã Phong Thổ",
        "done",
        "Hoàn thành",
    )
    assert (first["start_date"], first["end_date"]) == ("2022-03-01", "2022-03-05")
    assert first["url"] == f"/thuc-hien/hoat-dong/{a1.pk}/"


def test_the_activities_filter_by_status_unit_task_and_due_date(world):
    a1, a2, a3, a4 = world["acts"]
    base = f"/api/v1/plans/{world['plan'].pk}/activities"
    user = world["people"]["viewer"]
    assert ids(get(user, f"{base}?status=planned")[1]) == [a3.pk]
    assert ids(get(user, f"{base}?unit={world['nn'].pk}")[1]) == [a3.pk, a2.pk]
    assert ids(get(user, f"{base}?task={world['solution'].pk}")[1]) == [a3.pk, a4.pk]
    # Due strictly before 30/04/2023: a2 (due that day) is not.
    assert ids(get(user, f"{base}?due_before=2023-04-30")[1]) == [a1.pk, a4.pk]
    assert ids(get(user, f"{base}?due_before=2023-05-01")[1]) == [a2.pk, a1.pk, a4.pk]
    page2 = get(user, f"{base}?per_page=3&page=2")[1]
    assert (page2["count"], ids(page2)) == (4, [a4.pk])


def test_an_open_activity_past_its_end_date_is_overdue(world):
    a1, a2, a3, a4 = world["acts"]
    _s, body = get(world["people"]["planning"], f"/api/v1/plans/{world['plan'].pk}/activities")
    overdue = {row["id"]: row["overdue"] for row in body["items"]}
    # a2 (in progress) and a3 (planned) ended in 2023 and 2024; a1 is done, a4 cancelled.
    assert overdue == {a1.pk: False, a2.pk: True, a3.pk: True, a4.pk: False}


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("status=finished", "status"),
        ("unit=abc", "unit"),
        ("unit=0", "unit"),
        ("due_before=31/12/2024", "due_before"),
        ("due_before=1735689600", "due_before"),  # not seconds since 1970
        ("due_before=2024-02-30", "due_before"),
        ("per_page=501", "per_page"),
        ("page=0", "page"),
    ],
)
def test_bad_filters_are_named_never_echoed(world, query, field):
    status, body = get(
        world["people"]["planning"], f"/api/v1/plans/{world['plan'].pk}/activities?{query}"
    )
    assert (status, body["code"]) == (400, "invalid")
    assert field in body["fields"]
    assert query.split("=")[1] not in body["message"]


def test_an_activity_names_only_the_cooperatives_the_user_sees(world):
    a1 = world["acts"][0]
    # The commune's officer of Xã Phong Thổ sees OWN (in Thị trấn Phong Thổ until
    # 30/06/2025, its territory since), not MS of Xã Mù Sang.
    status, body = get(world["people"]["commune"], f"/api/v1/activities/{a1.pk}")
    assert status == 200
    assert body["cooperatives"] == [{"code": "OWN", "name": "HTX Phúc Hưng"}]
    assert body["hidden_cooperatives"] == 1
    assert (body["participants"], body["participants_coop"], body["cost"]) == (40, 12, 40)
    assert (body["fund_source"], body["kind_label"]) == ("Ngân sách huyện", "Tuyên truyền")
    assert [(p["document"], p["amount"]) for p in body["payments"]] == [("01/CT", 40)]
    assert body["writable"] is True  # its own unit's activity
    status, body = get(world["people"]["planning"], f"/api/v1/activities/{a1.pk}")
    # By name in the Vietnamese alphabet: HTX Mù Sang before HTX Phúc Hưng.
    assert [c["code"] for c in body["cooperatives"]] == ["MS", "OWN"]
    assert body["hidden_cooperatives"] == 0
    # The viewer reads it and may not change it.
    status, body = get(world["people"]["viewer"], f"/api/v1/activities/{a1.pk}")
    assert (status, body["writable"]) == (200, False)


def test_another_units_activity_is_not_found_by_a_commune(world):
    a2 = world["acts"][1]  # Phòng Nông nghiệp's
    status, body = get(world["people"]["commune"], f"/api/v1/activities/{a2.pk}")
    assert (status, body["code"]) == (404, "not_found")


def test_a_token_reads_the_activities_as_its_user(world, client):
    _token, key = create_token(user=world["people"]["commune"], source="test")
    response = client.get(
        f"/api/v1/plans/{world['plan'].pk}/activities", HTTP_AUTHORIZATION=f"Bearer {key}"
    )
    assert response.status_code == 200
    assert response.json()["count"] == 2
    assert client.get(f"/api/v1/plans/{world['plan'].pk}/activities").status_code == 401


def test_the_lists_ask_the_same_number_of_queries_for_one_row_or_three(world):
    plan, task, nn = world["plan"], world["task"], world["nn"]
    user = world["people"]["planning"]
    urls = ["/api/v1/plans", f"/api/v1/plans/{plan.pk}/activities", "/api/v1/reports"]
    make_report(area_code="109", year=2022, issued_on=D(2023, 1, 15))

    def counts():
        found = []
        client = client_for(user)
        for url in urls:
            with CaptureQueriesContext(connection) as ctx:
                assert client.get(url).status_code == 200
            found.append(len(ctx.captured_queries))
        return found

    before = counts()
    # Two more rows of each. The access helpers decide once per plan area and first year
    # and once per report's (kind, area, year): the rows added share them.
    for n in range(2):
        Plan.objects.create(
            name=f"Đề án thêm {n}",
            area_code="109",
            start_year=2021,
            end_year=2025,
            baseline_year=2021,
        )
        activities.save_activity(
            values={
                "task": task,
                "unit": nn,
                "kind": "fair",
                "title": f"Hội chợ {n}",
                "start_date": D(2024, 1, 1 + n),
                "end_date": D(2024, 2, 1),
                "status": "planned",
            }
        )
        make_report(area_code="109", year=2022, issued_on=D(2024, 1, 1 + n), number=f"1{n}")
    assert counts() == before


# --- reports ----------------------------------------------------------------------------------


def make_report(**values):
    values = {
        "kind": "annual",
        "number": "01",
        "header": {"agency": "UBND HUYỆN PHONG THỔ", "symbol": "BC-UBND"},
        "fingerprint": "-",
    } | values
    return Report.objects.create(**values)


def test_the_register_lists_what_the_user_reads_newest_first(world):
    plan = world["plan"]
    author = world["people"]["planning"]
    author.first_name, author.last_name = "Lan", "Nguyễn Thị"
    author.save(update_fields=["first_name", "last_name"])
    commune_2021 = make_report(
        area_code="03549",
        year=2021,
        issued_on=D(2022, 1, 10),
        number="05",
        header={"agency": "UBND XÃ PHONG THỔ", "symbol": "BC-UBND"},
    )
    district_2022 = make_report(
        area_code="109",
        year=2022,
        issued_on=D(2023, 1, 15),
        created_by=author,
        data_as_of=timezone.now() + dt.timedelta(days=1),
    )
    final = make_report(
        kind="final", area_code="109", plan=plan, issued_on=D(2025, 12, 20), number="30"
    )
    status, body = get(world["people"]["planning"], "/api/v1/reports")
    assert status == 200
    assert ids(body) == [final.pk, district_2022.pk, commune_2021.pk]
    first, second, third = body["items"]
    assert (first["kind"], first["year"], first["plan_id"], first["plan_name"]) == (
        "final",
        None,
        plan.pk,
        plan.name,
    )
    assert (second["number"], second["symbol"], second["area_name"]) == (
        "01",
        "BC-UBND",
        "Huyện Phong Thổ",
    )
    assert second["author"] == "Lan Nguyễn Thị"
    # Before the 2025 reform 03549 was Thị trấn Phong Thổ.
    assert (third["area_code"], third["area_name"], third["author"]) == (
        "03549",
        "Thị trấn Phong Thổ",
        None,
    )
    # Recorded with no data time: changed; recorded after the last change: not.
    assert (second["data_changed"], third["data_changed"]) == (False, True)
    assert third["url"] == f"/bao-cao/{commune_2021.pk}/"
    assert [(f["format"], f["url"]) for f in third["formats"]] == [
        (fmt, f"/bao-cao/{commune_2021.pk}/tai-ve/{fmt}/") for fmt in ("docx", "pdf", "xlsx")
    ]
    # Xã Phong Thổ's officer reads its own commune's report only (the district's figures
    # and the plan's final evaluation are not its to read).
    status, body = get(world["people"]["commune"], "/api/v1/reports")
    assert (status, ids(body)) == (200, [commune_2021.pk])
    status, body = get(world["people"]["other"], "/api/v1/reports")
    assert (status, body["count"]) == (200, 0)
    status, body = get(world["people"]["planning"], "/api/v1/reports?kind=annual&year=2022")
    assert ids(body) == [district_2022.pk]


def test_the_register_is_not_found_for_a_cooperatives_representative(world):
    make_report(area_code="03549", year=2021, issued_on=D(2022, 1, 10))
    status, body = get(world["people"]["coop"], "/api/v1/reports")
    assert (status, body["code"]) == (404, "not_found")


def test_a_bad_report_filter_is_invalid(world):
    status, body = get(world["people"]["planning"], "/api/v1/reports?kind=monthly")
    assert (status, body["code"], body["fields"]) == (400, "invalid", ["kind"])
