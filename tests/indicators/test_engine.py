"""The indicator engine on a small data set whose expected values are worked out by hand
in the comments (DOMAIN.md §4)."""

import datetime as dt
import json

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kttt.indicators.definitions import INDICATORS
from kttt.indicators.engine import compute
from kttt.registry import services
from kttt.registry.models import Kind, Sector, Status
from tests.factories import entity, unit, yearly

pytestmark = pytest.mark.django_db
D = dt.date
NN, TM, XD = Sector.NONG_NGHIEP, Sector.THUONG_MAI_DICH_VU, Sector.XAY_DUNG


@pytest.fixture
def data(phong_tho):
    u = phong_tho
    a = entity("A", u.tt_phong_tho, established=D(2015, 1, 1), sector=NN)
    yearly(a, 2021, workers=4, income_avg=36)
    yearly(
        a,
        2022,
        members=10,
        workers=4,
        workers_trained=2,
        managers=2,
        managers_primary=1,
        charter_capital=1000,
        revenue=500,
        profit=50,
        income_avg=40,
        tax=10,
        grade="tot",
        hightech=True,
    )
    services.save_ocop(entity=a, name="Cũ", values={"stars": 3, "recognized_on": D(2019, 12, 31)})
    services.save_ocop(entity=a, name="Mới", values={"stars": 4, "recognized_on": D(2020, 1, 1)})
    b = entity("B", u.mu_sang, established=D(2016, 1, 1), sector=TM)
    yearly(b, 2021, workers=2, income_avg=30)
    yearly(
        b,
        2022,
        members=8,
        workers=0,
        managers=1,
        managers_intermediate=1,
        charter_capital=2000,
        revenue=300,
        profit=-20,
        tax=5,
        grade="kha",
        value_chain=True,
    )
    c = entity("C", u.tt_phong_tho, established=D(2017, 1, 1), sector=NN)
    services.change_status(entity=c, status=Status.PAUSED, date=D(2022, 6, 1))
    yearly(c, 2022, members=99, workers=99)
    services.save_ocop(
        entity=c, name="Tạm ngừng", values={"stars": 3, "recognized_on": D(2022, 1, 1)}
    )
    e = entity("E", u.ban_lang, established=D(2018, 1, 1), sector=NN)
    services.change_status(entity=e, status=Status.DISSOLVED, date=D(2023, 3, 1))
    services.save_ocop(
        entity=e, name="Ngày 0", values={"stars": 3, "recognized_on": D(2022, 12, 31)}
    )
    f = entity("F", unit("3571"), established=D(2022, 5, 1), sector=XD)
    yearly(
        f,
        2022,
        members=7,
        workers=2,
        managers=1,
        charter_capital=500,
        revenue=100,
        profit=10,
        income_avg=50,
        tax=1,
    )
    g = entity("G", u.tt_phong_tho, established=D(2010, 1, 1), sector=XD)
    services.change_status(entity=g, status=Status.DISSOLVED, date=D(2022, 9, 1))
    yearly(entity("T", u.tt_phong_tho, kind=Kind.THT), 2022, members=50, workers=5)
    yearly(entity("L", u.tt_phong_tho, kind=Kind.LHHTX), 2022, members=60, workers=6)
    yearly(entity("X", u.then_sin), 2022, members=70, workers=7)


def test_it_computes_every_indicator_by_hand(data):
    got = compute(2022, "109")["indicators"]
    # P = {A, B, E, F}: C paused before D, G dissolved in 2022, T/L other kinds, X elsewhere.
    # R = {A, B, F}: E sent no report.
    expected = {
        "coops_active": 4,
        "coops_new": 1,
        "coops_dissolved": 1,
        "reports_received": 3,
        "reporting_rate_pct": 75.0,
        "members": 25,
        "workers": 6,
        "workers_trained": 2,
        "workers_trained_pct": 2 / 6 * 100,
        "managers": 4,
        "managers_trained": 2,
        "managers_trained_pct": 50.0,
        "capital": 3500,
        "revenue": 900,
        "revenue_avg": 300.0,
        "profit": 40,
        "profit_avg": 40 / 3,
        "tax": 16,
        # (40×4 + 50×2) / (4 + 2); B has no workers. 2021: (36×4 + 30×2) / 6 = 34.
        "income_avg": 260 / 6,
        "income_growth_pct": (260 / 6 / 34 - 1) * 100,
        "coops_classified": 2,
        "coops_effective": 2,
        "coops_effective_pct": 100.0,
        "agri_coops": 1,
        "agri_hightech": 1,
        "agri_hightech_pct": 100.0,
        "value_chain_coops": 1,
        "value_chain_pct": 100 / 3,
        # A's 31/12/2019 certificate ended on 31/12/2022 (D is not before it); its 01/01/2020
        # one is valid; E's was recognised on D itself. C is paused, so not in P.
        "ocop_coops": 2,
        "ocop_products": 2,
        "coops_mgr_primary": 2,
        "coops_mgr_primary_pct": 200 / 3,
        "coops_mgr_intermediate": 1,
        "coops_mgr_intermediate_pct": 100 / 3,
    }
    assert set(got) == {i.code for i in INDICATORS}
    for code, value in expected.items():
        assert got[code] == pytest.approx(value), code


def test_it_splits_by_sector_with_shares_of_the_total(data):
    by_sector = compute(2022, "109")["by_sector"]
    assert set(by_sector) == set(Sector.values)
    assert by_sector[NN]["coops_active"] == 2  # A, E
    assert by_sector[NN]["coops_active_pct"] == 50.0
    assert by_sector[TM]["members"] == 8
    assert by_sector[TM]["income_avg"] is None  # B has no workers
    assert by_sector[XD]["capital_pct"] == pytest.approx(500 / 3500 * 100)
    assert by_sector[Sector.VAN_TAI]["coops_active_pct"] == 0.0
    assert by_sector[Sector.VAN_TAI]["members"] is None


def test_it_counts_other_kinds_only_when_asked(data):
    got = compute(2022, "109", Kind.THT)["indicators"]
    assert (got["coops_active"], got["members"], got["workers"]) == (1, 50, 5)


def test_it_gives_null_not_zero_when_a_ratio_has_nothing_below_it(phong_tho):
    got = compute(2022, "109")["indicators"]
    assert got["coops_active"] == 0
    for code in (
        "reporting_rate_pct",
        "income_avg",
        "coops_effective_pct",
        "revenue_avg",
        "agri_hightech_pct",
        "income_growth_pct",
    ):
        assert got[code] is None, code


def test_it_uses_a_fixed_number_of_queries(phong_tho):
    def queries():
        with CaptureQueriesContext(connection) as ctx:
            compute(2022, "109")
        return len(ctx.captured_queries)

    entity("Q1", phong_tho.tt_phong_tho)
    one = queries()
    for code in ("Q2", "Q3", "Q4"):
        yearly(entity(code, phong_tho.mu_sang), 2022, members=5)
    assert queries() == one


def test_the_command_prints_the_contract_json(data, capsys):
    call_command("indicators", year=2022, area="109", format="json")
    result = json.loads(capsys.readouterr().out)
    assert result["area"] == {
        "code": "109",
        "name": "Huyện Phong Thổ",
        "as_of": "2022-12-31",
        "approximate": False,
        "notes": [],
    }
    assert result["kind"] == "htx"
    assert result["indicators"]["members"] == 25
    checks = {c["rule"]: c["entities"] for c in result["checks"]}
    # E sent no report; A's 01/01/2020 certificate ends on 01/01/2023, within 90 days.
    assert checks == {"missing_report": ["E"], "ocop_expiring": ["A"]}


def test_every_indicator_is_documented_and_the_docs_are_current():
    from pathlib import Path

    from kttt.indicators.definitions import markdown

    docs = (Path(__file__).resolve().parents[2] / "docs" / "indicators.md").read_text("utf-8")
    assert docs == markdown(), "run `kttt indicator_docs` and commit docs/indicators.md"
    for indicator in INDICATORS:
        assert f"| `{indicator.code}` |" in docs
        assert str(indicator.definition).strip()


def test_it_traces_a_figure_to_the_rows_behind_it(data, capsys):
    call_command("indicators", year=2022, area="109", explain="members", format="json")
    result = json.loads(capsys.readouterr().out)
    assert result["value"] == 25
    assert {(r["code"], r["value"]) for r in result["rows"]} == {("A", 10), ("B", 8), ("F", 7)}
    assert sum(r["value"] for r in result["rows"]) == result["value"]
    call_command("indicators", year=2022, area="109", explain="ocop_products", format="json")
    products = {r["product"] for r in json.loads(capsys.readouterr().out)["rows"]}
    assert products == {"Mới", "Ngày 0"}
    call_command("indicators", year=2022, area="109", explain="coops_active", format="json")
    assert {r["code"] for r in json.loads(capsys.readouterr().out)["rows"]} == {"A", "B", "E", "F"}


def test_it_refuses_an_unknown_indicator_in_vietnamese(data):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="Không có chỉ tiêu “nope”"):
        call_command("indicators", year=2022, explain="nope")


def test_a_series_equals_year_by_year_results_without_checks(data):
    from kttt.indicators.engine import series

    years = series(2021, 2022, "109")
    assert [r["year"] for r in years] == [2021, 2022]
    for result in years:
        single = compute(result["year"], "109")
        assert result["indicators"] == single["indicators"]
        assert result["by_sector"] == single["by_sector"]
        assert result["checks"] == []
