"""The year of the reform (DOMAIN.md §3, amended; issue 7 point 2) on the demo: Huyện Phong
Thổ ended on 30/06/2025, so for 2025 it is read through its five successor communes at
31/12/2025, and every figure compared with 2024 says that the territory changed.

The demo founds two HTX in 2025 (kttt/demo/loading.py): HTX Sâm Lai Châu Mù Sang on
10/03/2025 in Xã Mù Sang (moved into Xã Dào San on 01/7/2025) and HTX Nông nghiệp xanh Dào
San on 05/09/2025 in the new Xã Dào San."""

import io
import json

import pytest
from django.core.management import call_command

from kttt.accounts.models import Role
from kttt.indicators.engine import compute, series
from kttt.indicators.narrative import narrative
from kttt.plans.evaluation import evaluate
from kttt.plans.queries import plan_in_force
from tests.web import PLAIN_STORAGES, client_for, person

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(tmp_path, settings):
    settings.VAR_DIR = tmp_path
    settings.STORAGES = PLAIN_STORAGES
    call_command("load_demo", password="mat-khau-demo", stdout=io.StringIO())


def command(year, area):
    out = io.StringIO()
    call_command("indicators", year=year, area=area, format="json", stdout=out)
    return json.loads(out.getvalue())


def test_it_counts_both_foundations_of_the_reform_year(demo):
    from kttt.indicators.explain import explain

    result = command(2025, "109")
    assert result["indicators"]["coops_new"] == 2
    founded = {
        r["name"]: r["established_on"] for r in explain(2025, "109", "htx", "coops_new")["rows"]
    }
    assert founded == {
        "HTX Sâm Lai Châu Mù Sang (minh họa)": "2025-03-10",
        "HTX Nông nghiệp xanh Dào San (minh họa)": "2025-09-05",
    }
    assert result["area"]["as_of"] == "2025-12-31"
    assert result["area"]["approximate"] is True  # Sin Suối Hồ took Thèn Sin from Tam Đường


def test_it_says_that_the_district_is_read_through_its_successors(demo):
    notes = command(2025, "109")["area"]["notes"]
    assert len(notes) == 1
    assert "Địa bàn năm 2025 (Huyện Phong Thổ, nay là Xã Dào San" in notes[0]
    assert "khác địa bàn năm 2024 (Huyện Phong Thổ)" in notes[0]
    assert command(2024, "109")["area"]["notes"] == []


def test_it_flags_the_growth_of_a_commune_across_the_reform(demo):
    """03549 was Thị trấn Phong Thổ until 30/06/2025 and is Xã Phong Thổ since."""
    after, before = command(2025, "03549"), command(2024, "03549")
    assert after["indicators"]["income_growth_pct"] is not None
    assert (
        "Địa bàn năm 2025 (Xã Phong Thổ) khác địa bàn năm 2024 (Thị trấn Phong Thổ)"
        in (after["area"]["notes"][0])
    )
    assert before["area"]["notes"] == []
    assert after["indicators"]["coops_active"] > before["indicators"]["coops_active"]


def test_the_narrative_and_the_table_carry_the_note(demo):
    assert any("khác địa bàn năm 2024" in p for p in narrative(2025, "03549"))
    out = io.StringIO()
    call_command("indicators", year=2025, area="03549", stdout=out)
    assert "Lưu ý: Địa bàn năm 2025 (Xã Phong Thổ)" in out.getvalue()


def test_a_series_notes_the_year_the_territory_changed(demo):
    years = {r["year"]: r["area"]["notes"] for r in series(2023, 2026, "109")}
    assert years[2023] == years[2024] == years[2026] == []
    assert len(years[2025]) == 1
    assert compute(2025, "109", with_checks=False)["area"]["notes"] == years[2025]


def test_the_targets_of_the_plan_note_the_change_of_territory(demo):
    plan = plan_in_force(2025)
    assert any("khác địa bàn năm 2024" in n for n in evaluate(plan, 2025)["notes"])
    assert evaluate(plan, 2024)["notes"] == []
    page = client_for(person(Role.PLANNING, "109")).get(f"/de-an/{plan.pk}/?year=2025")
    assert page.status_code == 200
    assert "khác địa bàn năm 2024" in page.text
    api = client_for(person(Role.PLANNING, "109")).get("/api/v1/targets?year=2025")
    assert any("khác địa bàn năm 2024" in n for n in api.json()["notes"])
