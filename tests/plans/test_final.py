"""The final evaluation of a plan (kttt/plans/final.py; issue 8, point 1): each target's
verdict for the period by its stated rule, the baseline beside the end, the tasks, the money
and the period's problems.

The world, a plan of Huyện Phong Thổ for 2021–2023 (baseline 2021), all worked out by hand:
- A founded 01/03/2021, reports every year, 4 workers, income 40 (2021), 43 (2022), 46 (2023);
  one OCOP product recognised 10/06/2022 by the province.
- B founded 01/05/2021, never reports.
- C founded 01/02/2023, never reports.
New cooperatives: 2 (2021), 0 (2022), 1 (2023): 3 over the period. Income: 40 → 46 over two
years, an average growth of (46 / 40) ^ (1/2) − 1 = 7,238 % a year.
Reports missing: 1 in 2021 (B), 1 in 2022 (B), 2 in 2023 (B, C).
"""

import datetime as dt
import io
import json
import re
from decimal import Decimal

import pytest
from django.core.management import call_command

from kttt.plans import budget
from kttt.plans.final import final_evaluation
from kttt.plans.models import Activity, ImplementingUnit, Plan, Target, Task
from kttt.registry import services
from tests import factories

pytestmark = pytest.mark.django_db
D = dt.date


def target(plan, code, indicator, comparison, value, schedule="every_year"):
    return Target.objects.create(
        plan=plan,
        code=code,
        description=code,
        indicator=indicator,
        comparison=comparison,
        value=value,
        schedule=schedule,
    )


@pytest.fixture
def plan(phong_tho):
    u = phong_tho
    a = factories.entity("A", u.tt_phong_tho, established=D(2021, 3, 1))
    factories.entity("B", u.mu_sang, established=D(2021, 5, 1))
    factories.entity("C", u.ban_lang, established=D(2023, 2, 1))
    for year, income in ((2021, 40), (2022, 43), (2023, 46)):
        factories.yearly(a, year, members=9, workers=4, income_avg=income)
    services.save_ocop(
        entity=a,
        name="Chè",
        values={"stars": 3, "recognized_on": D(2022, 6, 10), "level": "tinh"},
    )
    plan = Plan.objects.create(
        name="Đề án thử", area_code="109", start_year=2021, end_year=2023, baseline_year=2021
    )
    target(plan, "new", "coops_new", "gte", 1)
    target(plan, "new_two", "coops_new", "gte", 2)
    target(plan, "growth", "income_growth_pct", "gte", 7)
    target(plan, "growth_ten", "income_growth_pct", "gte", 10)
    target(plan, "ocop", "ocop_coops", "gte", 1, schedule="end")
    target(plan, "reporting", "reporting_rate_pct", "gt", 50)
    unit = ImplementingUnit.objects.create(name="Phòng Nông nghiệp và PTNT", kind="department")
    task = Task.objects.create(
        plan=plan,
        code="III.3.a",
        title="Tập huấn",
        responsible=unit,
        start_year=2021,
        end_year=2023,
    )
    done = Activity.objects.create(
        task=task,
        unit=unit,
        kind="training",
        title="Tập huấn kế toán",
        start_date=D(2022, 3, 1),
        end_date=D(2022, 3, 2),
        status="done",
        result="25 học viên",
    )
    done.cooperatives.set([a])
    Activity.objects.create(
        task=task,
        unit=unit,
        kind="training",
        title="Tập huấn bị hủy",
        start_date=D(2023, 3, 1),
        end_date=D(2023, 3, 2),
        status="cancelled",
    )
    source = budget.set_source(plan=plan, name="Ngân sách huyện", total=Decimal(100))
    line = budget.set_line(
        task=task, source=source, year=2022, requested=Decimal(40), allocated=Decimal(30)
    )
    budget.disburse(line=line, date=D(2022, 3, 5), amount=Decimal("12.5"), document="UNC 01")
    return plan


def verdicts(result):
    return {r["code"]: (r["verdict"], r["value"]) for r in result["targets"]}


def test_it_judges_each_target_over_the_period_by_its_rule(plan):
    result = final_evaluation(plan)
    got = verdicts(result)
    assert got["new"] == ("Đạt", 3)  # 3 ≥ 1 × 3 years, though 2022 had none
    assert got["new_two"] == ("Không đạt", 3)  # 3 < 2 × 3
    assert got["growth"][0] == "Đạt"
    assert got["growth"][1] == pytest.approx(7.2380529, abs=1e-6)
    assert got["growth_ten"][0] == "Không đạt"
    assert got["ocop"] == ("Đạt", 1)  # valid on 31/12/2023 (recognised 10/06/2022)
    # 2023: 1 report out of 3 active = 33,33 %, not above 50.
    assert got["reporting"][0] == "Không đạt"
    assert got["reporting"][1] == pytest.approx(100 / 3)
    assert result["achieved"] == 3
    assert result["summary"] == "Đạt 3/6 chỉ tiêu."


def test_it_states_each_rule_with_its_figures(plan):
    rows = {r["code"]: r for r in final_evaluation(plan)["targets"]}
    assert rows["new"]["rule_text"] == (
        "Tổng 2021–2023: 3 HTX, so với 1 HTX mỗi năm × 3 năm = 3 HTX."
    )
    assert rows["growth"]["rule_text"] == (
        "Tăng bình quân mỗi năm 2021–2023: 7,24% (từ 40 lên 46), so với ≥ 7%."
    )
    assert rows["ocop"]["rule_text"] == "Giá trị năm 2023: 1 HTX, so với ≥ 1 HTX."
    assert rows["new"]["by_year"] == {2021: 2, 2022: 0, 2023: 1}
    assert (rows["ocop"]["baseline"], rows["ocop"]["final"]) == (0, 1)


def test_it_says_what_was_done_and_spent_and_what_went_wrong(plan):
    result = final_evaluation(plan)
    assert result["tasks"] == [
        {
            "code": "III.3.a",
            "title": "Tập huấn",
            "activities": 2,
            "done": 1,
            "cooperatives_supported": 1,
            "results": [
                {"title": "Tập huấn kế toán", "date": "2022-03-02", "result": "25 học viên"}
            ],
        }
    ]
    assert result["money"]["total"]["allocated"] == "30.000"
    assert result["money"]["total"]["disbursed"] == "12.500"
    assert result["money"]["total"]["remaining"] == "17.500"
    assert result["problems"]["missing_reports"] == [
        {"year": 2021, "missing": 1},
        {"year": 2022, "missing": 1},
        {"year": 2023, "missing": 2},
    ]
    assert result["problems"]["territory"] == []


def test_a_missing_figure_gives_no_verdict(plan):
    """Income growth needs the baseline's income: without A's 2021 row there is none."""
    from kttt.registry.models import YearlyReport

    YearlyReport.objects.filter(year=2021).delete()
    assert verdicts(final_evaluation(plan))["growth"] == ("Chưa đủ số liệu", None)


def test_the_command_prints_the_final_evaluation(plan):
    out = io.StringIO()
    call_command("targets", final=True, plan=plan.pk, format="json", stdout=out)
    assert json.loads(out.getvalue())["summary"] == "Đạt 3/6 chỉ tiêu."
    out = io.StringIO()
    call_command("targets", final=True, plan=plan.pk, stdout=out)
    assert "tổng kết 2021–2023: Đạt 3/6 chỉ tiêu." in out.getvalue()
    assert "Năm 2023: 2 HTX chưa có số liệu năm." in out.getvalue()


def test_the_demo_plan_across_the_reform(tmp_path, settings):
    """The demo's 2021–2025: every target judged, and 2025 compared across the reform."""
    settings.VAR_DIR = tmp_path
    call_command("load_demo", password="x", stdout=io.StringIO())
    result = final_evaluation(Plan.objects.get(start_year=2021))
    assert len(result["targets"]) == 8
    assert [n["year"] for n in result["problems"]["territory"]] == [2025]
    new = next(r for r in result["targets"] if r["code"] == "a_new_coops")
    assert new["by_year"][2025] == 2  # both foundations of the reform year
    assert new["value"] == sum(new["by_year"].values())


def test_the_page_shows_the_verdicts_to_who_reads_the_plan(plan, settings):
    from kttt.accounts.models import Role
    from tests.web import PLAIN_STORAGES, client_for, person

    settings.STORAGES = PLAIN_STORAGES
    page = client_for(person(Role.PLANNING, "109")).get(f"/de-an/{plan.pk}/tong-ket/")
    assert page.status_code == 200
    assert "Đạt 3/6 chỉ tiêu." in page.text
    assert "Tổng 2021–2023: 3 HTX, so với 1 HTX mỗi năm × 3 năm = 3 HTX." in page.text
    assert "Năm 2023: 2 HTX chưa có số liệu năm." in page.text
    assert "Đã giao 30; đã giải ngân 12,5; còn lại 17,5." in page.text
    commune = client_for(person(Role.COMMUNE, "03549"))
    assert commune.get(f"/de-an/{plan.pk}/tong-ket/").status_code == 403


def test_each_target_has_its_chart_against_its_path(plan):
    from kttt.plans.charts import target_charts

    charts = target_charts(plan, final_evaluation(plan))
    assert set(charts) == {"new", "new_two", "growth", "growth_ten", "ocop", "reporting"}
    ocop = charts["ocop"].svg()  # end of the period: from 0 in 2021 to 1 in 2023
    assert "Lộ trình từ năm gốc đến mục tiêu" in ocop
    assert "Thực hiện: 2021: 0 HTX; 2022: 1 HTX; 2023: 1 HTX. Mục tiêu: 1 HTX" in ocop
    new = charts["new"].svg()  # every year: the target only, no path
    assert "Lộ trình" not in new
    assert "Thực hiện: 2021: 2 HTX; 2022: 0 HTX; 2023: 1 HTX. Mục tiêu: 1 HTX" in new


def test_the_page_draws_each_target_as_an_inline_svg(plan, settings):
    from kttt.accounts.models import Role
    from tests.web import PLAIN_STORAGES, client_for, person

    settings.STORAGES = PLAIN_STORAGES
    page = client_for(person(Role.PLANNING, "109")).get(f"/de-an/{plan.pk}/tong-ket/").text
    assert page.count("<svg ") == 6
    assert page.count('<svg xmlns:xlink="http://www.w3.org/1999/xlink" viewBox=') == 6
    assert "<title" in page
    assert "Diễn biến từng mục tiêu" in page
    # Nothing is fetched from elsewhere: every src and href stays on the site or in the SVG.
    refs = set(re.findall(r'(?:src|href)="([^"]*)"', page)) - {"data:,"}  # the empty icon
    assert all(ref.startswith(("/", "#")) for ref in refs)
    assert '<script src="http' not in page
