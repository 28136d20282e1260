"""The engine's results kept between requests (kttt.indicators.cache) under the data's
version (kttt.changes): a kept result saves the work, and no write of any kind leaves an
old figure on a page. Each write path a user has is tried: the figure after it is worked
out by hand from the write."""

import datetime as dt
import time
from decimal import Decimal
from pathlib import Path

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from kttt.accounts.models import Role
from kttt.areas.models import Succession
from kttt.changes.services import data_version
from kttt.changes.signals import UNTRACKED
from kttt.indicators import refresh
from kttt.indicators.cache import MISS, Kept
from kttt.indicators.coverage import data_years, default_year, reporting_by_unit
from kttt.indicators.engine import compute, series
from kttt.registry import services
from kttt.registry.excel.exporting import export_workbook
from kttt.registry.excel.writing import run_import
from kttt.registry.grading import attach_years, save_grading_rule
from kttt.registry.models import Entity, GradingRule, Status, YearlyReport
from tests.factories import entity, user_with_role, yearly

pytestmark = pytest.mark.django_db
D = dt.date


@pytest.fixture
def coop(phong_tho):
    """One HTX of Thị trấn Phong Thổ (Huyện Phong Thổ, 109) with approved 2023 figures:
    10 members, graded "tốt" (effective under TT 01/2020, in force on 15/12/2023)."""
    a = entity("A", phong_tho.tt_phong_tho, established=D(2015, 1, 1))
    yearly(a, 2023, members=10, workers=4, grade="tot")
    return a


def figure(code: str, area: str = "109", year: int = 2023):
    return compute(year, area)["indicators"][code]


def queries(call) -> int:
    with CaptureQueriesContext(connection) as ctx:
        call()
    return len(ctx)


def test_a_kept_result_costs_one_query_and_is_the_same(coop):
    first = compute(2023, "109")

    assert queries(lambda: compute(2023, "109")) == 1  # the data's version, nothing else
    assert compute(2023, "109") == first
    assert first["indicators"]["members"] == 10


def test_a_caller_changing_its_result_does_not_change_the_kept_one(coop):
    mine = compute(2023, "109")
    mine["indicators"]["members"] = 999
    mine["checks"].append("x")

    again = compute(2023, "109")
    assert again["indicators"]["members"] == 10
    assert "x" not in again["checks"]


def test_series_takes_the_years_compute_kept_and_keeps_its_own(coop):
    compute(2023, "109", with_checks=False)

    assert queries(lambda: series(2023, 2023, "109")) == 1
    series(2021, 2023, "109")
    assert queries(lambda: series(2021, 2023, "109")) == 3  # each year's version
    assert [r["indicators"]["members"] for r in series(2021, 2023, "109")] == [None, None, 10]


def test_pages_asking_a_missing_result_at_once_compute_it_once(coop):
    """After a write every user's page misses at once: one computes, the others wait for
    its result (cache.single), instead of all computing it on the same cores."""
    import threading

    kept = Kept(2023)  # the version read once, here; the threads only compute and wait
    made: list[int] = []

    def make() -> dict:
        made.append(1)
        time.sleep(0.5)  # an engine run long enough for the others to arrive meanwhile
        return {"members": 10}

    got: list[dict] = []
    pages = [
        threading.Thread(target=lambda: got.append(kept.computed("home", ("109",), make)))
        for _ in range(4)
    ]
    for page in pages:
        page.start()
    for page in pages:
        page.join()

    assert len(made) == 1
    assert got == [{"members": 10}] * 4
    assert kept.get("home", ("109",)) == {"members": 10}


def test_the_yearly_form_changes_the_figure(coop):
    assert figure("members") == 10
    services.save_yearly(entity=coop, year=2023, values={"members": 12, "workers": 4})
    assert figure("members") == 12


def test_a_new_cooperative_counts_at_once(coop, phong_tho):
    assert figure("coops_active") == 1
    entity("B", phong_tho.mu_sang, established=D(2016, 1, 1))
    assert figure("coops_active") == 2


def test_a_dissolution_takes_the_cooperative_out(coop):
    assert figure("coops_active") == 1
    services.change_status(entity=coop, status=Status.DISSOLVED, date=D(2023, 6, 1))
    assert figure("coops_active") == 0


def test_a_move_changes_which_commune_counts_it(coop, phong_tho):
    assert figure("coops_active", area="3568") == 0  # Xã Mù Sang, before the reform
    services.move_entity(entity=coop, unit=phong_tho.mu_sang, date=D(2023, 3, 1))
    assert figure("coops_active", area="3568") == 1
    assert figure("coops_active", area="3549") == 0


def test_submission_and_approval_change_the_official_figure(coop, phong_tho):
    b = entity("B", phong_tho.mu_sang, established=D(2016, 1, 1))
    draft = services.save_yearly(entity=b, year=2023, values={"members": 5}, approve=False)
    assert figure("reports_received") == 1  # the draft is not official
    assert figure("members") == 10

    services.submit_yearly(report=draft)
    assert figure("reports_received") == 1
    services.approve_yearly(report=draft)
    assert figure("reports_received") == 2
    assert figure("members") == 15


def test_a_deleted_year_leaves_the_figures(coop):
    assert figure("reports_received") == 1
    services.delete_yearly(report=coop.reports.get(year=2023))
    assert figure("reports_received") == 0
    assert figure("members") is None


def test_an_import_changes_the_figures(coop, tmp_path):
    path = tmp_path / "htx.xlsx"
    export_workbook(Entity.objects.all(), path)  # A with its 10 members of 2023
    services.delete_yearly(report=coop.reports.get(year=2023))
    assert figure("members") is None

    assert run_import(path).applied
    assert figure("members") == 10


def test_a_grading_rule_changed_changes_the_effective_count(coop):
    assert figure("coops_effective") == 1
    rule = GradingRule.objects.get(valid_from=D(2020, 4, 1))
    values = {
        f.name: getattr(rule, f.name)
        for f in GradingRule._meta.fields
        if f.name not in ("id", "updated_at", "updated_by")
    }
    save_grading_rule(values={**values, "effective": ["kha"]}, rule=rule)
    assert figure("coops_effective") == 0


def test_writes_without_model_signals_record_a_change(coop, phong_tho):
    before = data_version()
    attach_years()  # QuerySet.update: records the change itself
    after_attach = data_version()
    assert after_attach != before

    succession = Succession.objects.first()
    succession.old_units.add(phong_tho.mu_sang)  # a many-to-many write
    assert data_version() != after_attach


def test_a_rolled_back_write_leaves_the_version_and_the_figure(coop):
    compute(2023, "109")
    before = data_version()

    @transaction.atomic
    def failing_write():
        services.save_yearly(entity=coop, year=2023, values={"members": 50, "workers": 4})
        raise RuntimeError("the write fails after the save")

    with pytest.raises(RuntimeError):
        failing_write()

    assert data_version() == before
    assert figure("members") == 10


def test_accounts_and_plans_do_not_drop_the_figures(coop):
    before = data_version()
    user_with_role(Role.COMMUNE, "03549")
    assert data_version() == before


def test_the_coverage_helpers_are_kept_and_follow_the_data(coop, phong_tho):
    assert data_years() == [2023]
    assert default_year("109", today=D(2026, 12, 1)) == 2023
    _area, units = reporting_by_unit(2023, "109")
    assert [(u.code, u.active, u.reported) for u in units] == [("03549", 1, 1)]
    assert queries(lambda: reporting_by_unit(2023, "109")) == 1

    yearly(coop, 2024, members=11)
    b = entity("B", phong_tho.mu_sang, established=D(2016, 1, 1))
    assert data_years() == [2024, 2023]
    assert default_year("109", today=D(2026, 12, 1)) == 2024  # 1 of 2 reported: half
    _area, units = reporting_by_unit(2023, "109")
    assert sorted((u.code, u.active, u.reported) for u in units) == [
        ("03549", 1, 1),
        ("03568", 1, 0),
    ]
    assert b.pk


def test_the_cache_can_be_turned_off(coop, settings):
    settings.KTTT_FIGURE_CACHE = False
    compute(2023, "109")
    assert queries(lambda: compute(2023, "109")) > 5
    YearlyReport.objects.filter(entity=coop).update(members=Decimal(20))  # no signal at all
    assert figure("members") == 20


def test_the_home_page_shown_again_asks_a_handful_of_queries(coop, client):
    client.force_login(user_with_role(Role.PLANNING, "109"))
    first = queries(lambda: client.get("/", {"area": "109", "year": "2023"}))
    again = queries(lambda: client.get("/", {"area": "109", "year": "2023"}))
    assert again < first
    response = client.get("/", {"area": "109", "year": "2023"})
    assert response.status_code == 200


def test_a_write_of_one_year_keeps_the_years_it_does_not_touch(coop):
    yearly(coop, 2021, members=7, workers=4)
    yearly(coop, 2022, members=8, workers=4)
    series(2021, 2023, "109")
    services.save_yearly(entity=coop, year=2023, values={"members": 12, "workers": 4})

    assert queries(lambda: compute(2021, "109", with_checks=False)) == 1
    assert queries(lambda: compute(2022, "109", with_checks=False)) == 1
    assert [r["indicators"]["members"] for r in series(2021, 2023, "109")] == [7, 8, 12]


def test_the_next_year_follows_a_write_of_the_year_before(coop):
    """2024's income growth reads 2023's income: 44 after 40 is +10 %; after 2023 is
    corrected to 55, 44 after 55 is −20 %."""
    services.save_yearly(
        entity=coop, year=2023, values={"members": 10, "workers": 4, "income_avg": Decimal(40)}
    )
    yearly(coop, 2024, members=10, workers=4, income_avg=44)
    assert figure("income_growth_pct", year=2024) == pytest.approx(10)

    services.save_yearly(
        entity=coop, year=2023, values={"members": 10, "workers": 4, "income_avg": Decimal(55)}
    )
    assert figure("income_growth_pct", year=2024) == pytest.approx(-20)


def test_the_records_left_untracked_are_read_by_no_figure():
    """A saved audit entry or review step gives the data no new version: no module that
    computes figures may read them."""
    root = Path(__file__).resolve().parents[2] / "kttt" / "indicators"
    for path in root.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        for label in UNTRACKED:
            assert label.split(".")[1] not in text, (path, label)


def test_the_refresher_computes_again_what_was_asked(coop):
    assert figure("members") == 10  # asked: noted for the refresher
    services.save_yearly(entity=coop, year=2023, values={"members": 12, "workers": 4})

    assert refresh.refresh() >= 1
    assert queries(lambda: compute(2023, "109")) == 1  # kept by the refresher
    assert figure("members") == 12
    assert refresh.refresh() == 0  # nothing left to compute


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_committed_write_wakes_the_refresher(phong_tho, settings):
    settings.KTTT_FIGURE_REFRESH = True
    settings.KTTT_FIGURE_REFRESH_PAUSE = 0
    a = entity("A", phong_tho.tt_phong_tho, established=D(2015, 1, 1))
    yearly(a, 2023, members=10, workers=4)
    assert figure("members") == 10

    services.save_yearly(entity=a, year=2023, values={"members": 12, "workers": 4})

    args = (2023, "109", "htx", True, False)
    deadline = time.monotonic() + 30
    while Kept(2023).get("compute", args) is MISS:
        assert time.monotonic() < deadline, "the refresher did not keep the new figures"
        time.sleep(0.1)
    assert queries(lambda: compute(2023, "109")) == 1
    assert figure("members") == 12
