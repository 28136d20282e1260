"""Hand-over to the next period (issue 8, point 9): "Sao chép sang kỳ mới" of the district's
2021–2025 plan makes the 2026–2030 plan at a level that exists now. Huyện Phong Thổ (109)
ended on 30/06/2025; its successors are five new communes and the province remains.

The small world: three cooperatives with 2025 figures.
- A in Thị trấn Phong Thổ and B in Xã Huổi Luông, both gone into Xã Phong Thổ (03549) on
  01/07/2025: A 10 members, 4 workers at 50 triệu đồng; B 6 members, 2 workers at 80.
- C in Xã Dào San (a different successor): 20 members, 5 workers at 40.
For Xã Phong Thổ in 2025: 2 cooperatives, 16 members, income (50×4 + 80×2) / 6 = 60.
For Tỉnh Lai Châu in 2025: 3 cooperatives, 36 members, income (200 + 160 + 200) / 11.
"""

import datetime as dt
from decimal import Decimal

import pytest

from kttt.accounts.models import Role
from kttt.plans import services
from kttt.plans.evaluation import PlanError, evaluate
from kttt.plans.models import ImplementingUnit, Plan, Target, Task
from kttt.plans.units import end_unit
from kttt.registry.models import Entity
from tests import factories
from tests.web import PLAIN_STORAGES, client_for, commune_officer, person

pytestmark = pytest.mark.django_db

FIVE = (
    "Xã Dào San (03571), Xã Khổng Lào (03583), Xã Phong Thổ (03549), Xã Sì Lở Lầu (03562), "
    "Xã Sin Suối Hồ (03394), Tỉnh Lai Châu (12)"
)


@pytest.fixture(autouse=True)
def _plain_static(settings):
    settings.STORAGES = PLAIN_STORAGES


@pytest.fixture
def world(phong_tho):
    a = factories.entity("HTX-A", phong_tho.tt_phong_tho, established=dt.date(2019, 3, 1))
    b = factories.entity("HTX-B", factories.unit("3490"), established=dt.date(2020, 5, 1))
    c = factories.entity("HTX-C", factories.unit("3571"), established=dt.date(2018, 1, 1))
    factories.yearly(a, 2025, members=10, workers=4, income_avg=50)
    factories.yearly(b, 2025, members=6, workers=2, income_avg=80)
    factories.yearly(c, 2025, members=20, workers=5, income_avg=40)
    plan = Plan.objects.create(
        name="Đề án KTTT huyện Phong Thổ giai đoạn 2021-2025",
        area_code="109",
        start_year=2021,
        end_year=2025,
        baseline_year=2021,
        purpose="Mục đích: phát triển KTTT.",
    )
    rows = [
        ("a_coops", "coops_active", "gte", 3, "end"),
        ("b_members", "members", "gte", 26, "end"),
        ("c_income", "income_avg", "gte", 70, "end"),
        ("d_growth", "income_growth_pct", "gte", 7, "every_year"),  # no 2024 figures
    ]
    for order, (code, indicator, comparison, value, schedule) in enumerate(rows, start=1):
        Target.objects.create(
            plan=plan,
            code=code,
            description=code,
            indicator=indicator,
            comparison=comparison,
            value=value,
            schedule=schedule,
            order=order,
            baseline=Decimal(1),  # the old plan's own: never carried over
        )
    office = ImplementingUnit.objects.create(name="Phòng Tài chính - Kế hoạch", kind="department")
    so = ImplementingUnit.objects.create(
        name="Sở Tài chính", kind="department", valid_from=dt.date(2025, 7, 1)
    )
    Task.objects.create(
        plan=plan,
        kind="task",
        code="III.3.a",
        title="Tập huấn",
        start_year=2021,
        end_year=2025,
        responsible=office,
    )
    end_unit(unit=office, date=dt.date(2025, 6, 30), successors=[so])
    Task.objects.filter(plan=plan).update(responsible=office)  # as the old plan had it
    return plan


def province_planner():
    return client_for(person(Role.PLANNING, "12"))


def copy_post(**over):
    data = {
        "name": "Đề án KTTT xã Phong Thổ giai đoạn 2026-2030",
        "area_code": "03549",
        "start_year": "2026",
        "end_year": "2030",
        "baseline_year": "",
        "decision_number": "",
        "decision_date": "",
        "decision_agency": "",
    }
    return {**data, **over}


def test_the_province_planning_office_hands_the_district_plan_over_to_a_commune(world):
    client = province_planner()
    url = f"/de-an/{world.pk}/sao-chep/"
    page = client.get(url)
    assert page.status_code == 200
    form = page.context["form"]
    assert (form.initial["start_year"], form.initial["end_year"]) == (2026, 2030)
    assert form.initial["baseline_year"] == 2025
    assert form.initial["name"] == "Đề án KTTT huyện Phong Thổ giai đoạn 2026-2030"
    offered = [value for value, _label in form.fields["area_code"].widget.choices if value]
    assert offered == ["03571", "03583", "03549", "03562", "03394", "12"]
    assert "Huyện Phong Thổ đã kết thúc ngày 30/06/2025" in page.text
    # The ended district itself is refused, by name, with the units that carried it on.
    refused = client.post(url, copy_post(area_code="109"))
    assert refused.status_code == 400
    assert (
        f"Địa bàn Huyện Phong Thổ (109) đã kết thúc ngày 30/06/2025; chọn đơn vị kế tục: {FIVE}."
        in refused.context["form"].errors["area_code"]
    )
    # A unit that did not carry it on (Huyện Tam Đường's successor Xã Bản Bo) neither.
    other = client.post(url, copy_post(area_code="03424"))
    assert other.status_code == 400
    assert "Xã Bản Bo (03424) không phải đơn vị kế tục địa bàn của đề án" in " ".join(
        other.context["form"].errors["area_code"]
    )
    assert Plan.objects.count() == 1
    response = client.post(url, copy_post())
    assert response.status_code == 302
    new = Plan.objects.exclude(pk=world.pk).get()
    assert (new.area_code, new.start_year, new.end_year, new.baseline_year) == (
        "03549",
        2026,
        2030,
        2025,
    )
    baselines = dict(new.targets.values_list("code", "baseline"))
    assert baselines == {
        "a_coops": Decimal(2),
        "b_members": Decimal(16),
        "c_income": Decimal(60),
        "d_growth": None,  # growth needs 2024 incomes, which nobody reported
    }
    assert new.purpose == "Mục đích: phát triển KTTT."
    # The task's ended office gives its place to the unit in force that carried it on.
    assert new.tasks.get().responsible.name == "Sở Tài chính"
    done = client.get(response["Location"]).text
    assert "Chưa tính được giá trị năm cơ sở 2025 của: d_growth; hãy nhập tay." in done


def test_a_copy_for_the_province_computes_its_baselines_over_the_province(world):
    new = services.copy_plan(
        plan=world, name="Tỉnh 2026-2030", start_year=2026, end_year=2030, area_code="12"
    )
    baselines = dict(new.targets.values_list("code", "baseline"))
    assert baselines["a_coops"] == Decimal(3)
    assert baselines["b_members"] == Decimal(36)
    assert baselines["c_income"] == Decimal("50.909")  # 560 / 11 = 50,909…


def test_the_service_refuses_the_ended_area_itself(world):
    with pytest.raises(PlanError, match="đã kết thúc ngày 30/06/2025; chọn đơn vị kế tục"):
        services.copy_plan(plan=world, name="Kỳ sau", start_year=2026, end_year=2030)
    assert Plan.objects.count() == 1


def test_an_area_that_still_exists_is_offered_as_it_is(world, phong_tho):
    plan = Plan.objects.create(
        name="Đề án KTTT tỉnh 2021-2025",
        area_code="12",
        start_year=2021,
        end_year=2025,
        baseline_year=2021,
    )
    form = client_for(person(Role.ADMIN)).get(f"/de-an/{plan.pk}/sao-chep/").context["form"]
    offered = [value for value, _label in form.fields["area_code"].widget.choices if value]
    assert offered == ["12"]
    assert form.fields["area_code"].initial == "12"


def test_only_who_writes_plans_at_the_new_level_copies(world):
    # A commune officer inside the district opens the plan but may not copy it.
    assert client_for(commune_officer()).get(f"/de-an/{world.pk}/sao-chep/").status_code == 403
    # A planning officer of Xã Phong Thổ may not write the district's plan at all.
    commune_planner = client_for(person(Role.PLANNING, "3549", username="ubnd-xa"))
    assert commune_planner.post(f"/de-an/{world.pk}/sao-chep/", copy_post()).status_code in (
        403,
        404,
    )
    assert Plan.objects.count() == 1


def test_a_stored_baseline_drives_the_progress_path(world):
    """The 2026–2030 plan of Xã Phong Thổ: members ≥ 26 by 2030 from the stored 2025
    baseline. In 2026 the path stands at b + (26 − b) × 1/5. With 17 members in 2026:
    stored b = 16 gives 18 (behind); b set by hand to 10 gives 13,2 (on track)."""
    new = services.copy_plan(
        plan=world, name="Xã 2026-2030", start_year=2026, end_year=2030, area_code="03549"
    )
    a, b = (Entity.objects.get(code=c) for c in ("HTX-A", "HTX-B"))
    factories.yearly(a, 2026, members=11, workers=4, income_avg=50)
    factories.yearly(b, 2026, members=6, workers=2, income_avg=80)
    # 17 members in 2026
    status = {r["code"]: r["status_code"] for r in evaluate(new, 2026)["targets"]}
    assert status["b_members"] == "behind"
    new.targets.filter(code="b_members").update(baseline=Decimal(10))
    status = {r["code"]: r["status_code"] for r in evaluate(new, 2026)["targets"]}
    assert status["b_members"] == "on_track"
