"""The demo's 2021 figures for Huyện Phong Thổ, computed from the registry, equal the plan's
section II (DOMAIN.md §8). Expected values are the plan's, typed by hand."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db.models import F, Sum, Value
from django.db.models.functions import Coalesce

from kttt.areas.services import resolve_area
from kttt.registry.models import Entity, Kind, Location, YearlyReport
from kttt.registry.queries import active_at, in_area

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(tmp_path, settings):
    settings.VAR_DIR = tmp_path
    call_command("load_demo", password="mat-khau-demo")


def rows_2021(**filters):
    area = resolve_area("109", dt.date(2021, 12, 31))
    active = active_at(in_area(Entity.objects.filter(kind=Kind.HTX), area), area.as_of)
    return active, YearlyReport.objects.filter(entity__in=active, year=2021, **filters)


def test_it_reproduces_the_plans_2021_totals(demo):
    active, rows = rows_2021()
    totals = rows.aggregate(
        n_members=Sum("members"),
        n_workers=Sum("workers"),
        capital=Sum("charter_capital"),
        total_revenue=Sum("revenue"),
        total_tax=Sum("tax"),
        n_managers=Sum("managers"),
        trained_workers=Sum("workers_trained"),
        trained_managers=Sum(
            sum(
                (
                    Coalesce(F(f), 0)
                    for f in (
                        "managers_primary",
                        "managers_intermediate",
                        "managers_college",
                        "managers_university",
                    )
                ),
                Value(0),
            )
        ),
        income_x_workers=Sum(F("income_avg") * F("workers")),
    )
    assert active.count() == 27
    assert rows.count() == 27
    assert totals["n_members"] == 213
    assert totals["n_workers"] == 79
    assert totals["capital"] == Decimal("63090")
    assert totals["total_revenue"] == Decimal("19682")
    assert totals["total_tax"] == Decimal("1152")
    assert totals["n_managers"] == 54
    assert totals["trained_managers"] == 15
    assert totals["trained_workers"] == 12
    assert Decimal(totals["income_x_workers"]) / totals["n_workers"] == Decimal("46.5")


@pytest.mark.parametrize(
    ("sector", "coops", "members", "workers", "capital"),
    [
        ("nong_nghiep", 9, 74, 27, 18590),
        ("thuong_mai_dich_vu", 10, 78, 22, 19000),
        ("xay_dung", 8, 61, 30, 25500),
    ],
)
def test_it_reproduces_the_plans_2021_sector_figures(
    demo, sector, coops, members, workers, capital
):
    active, rows = rows_2021(entity__sector=sector)
    totals = rows.aggregate(m=Sum("members"), w=Sum("workers"), c=Sum("charter_capital"))
    assert active.filter(sector=sector).count() == coops
    assert (totals["m"], totals["w"], totals["c"]) == (members, workers, Decimal(capital))


def test_it_keeps_the_district_countable_after_the_reform(demo):
    """Every demo entity of the former district sits in one of its 5 successor communes
    after 01/7/2025, so the ended district's selector still finds them."""
    area = resolve_area("109", dt.date(2026, 12, 31))
    assert area.approximate is True
    found = in_area(Entity.objects.all(), area)
    # 27 + 6 later HTX + 1 founded after the reform + 3 THT, all in the five new communes.
    assert found.count() == 37
    assert not Location.objects.filter(
        valid_from__gt=dt.date(2025, 7, 1), succession__isnull=False
    ).exists()


def test_it_creates_an_account_for_every_role(demo):
    from django.contrib.auth.models import User

    from kttt.accounts.models import Membership, Role

    assert {m.role for m in Membership.objects.all()} == set(Role.values)
    assert User.objects.get(username="tonghop").check_password("mat-khau-demo")


def test_it_refuses_to_load_twice(demo):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="đã có dữ liệu"):
        call_command("load_demo")
    call_command("load_demo", if_empty=True)  # a no-op, as `make run` uses it
    assert Entity.objects.count() == 37


def test_the_indicators_command_gives_the_plans_figures(demo, capsys):
    import json

    call_command("indicators", year=2021, area="109", format="json")
    result = json.loads(capsys.readouterr().out)
    got = result["indicators"]
    assert (got["coops_active"], got["members"], got["workers"], got["capital"]) == (
        27,
        213,
        79,
        63090,
    )
    assert (got["revenue"], got["income_avg"], got["tax"]) == (19682, 46.5, 1152)
    assert (got["managers"], got["managers_trained"], got["workers_trained"]) == (54, 15, 12)
    assert round(got["managers_trained_pct"], 2) == 27.78
    sectors = result["by_sector"]
    assert [
        sectors[s]["coops_active"] for s in ("nong_nghiep", "thuong_mai_dich_vu", "xay_dung")
    ] == [9, 10, 8]
    assert [sectors[s]["capital"] for s in ("nong_nghiep", "thuong_mai_dich_vu", "xay_dung")] == [
        18590,
        19000,
        25500,
    ]


def test_the_demo_offices_work_for_the_units_that_took_over_their_work(demo):
    """The district's offices ended on 30/06/2025; their demo accounts work today for the
    provincial departments that received their open work (kttt/demo/seed.py)."""
    from kttt.accounts.models import Membership

    units = dict(
        Membership.objects.filter(user__username__in=["tonghop", "phongnn", "phongkt"]).values_list(
            "user__username", "implementing_unit__name"
        )
    )
    assert units == {
        "tonghop": "Sở Tài chính tỉnh Lai Châu",
        "phongnn": "Sở Nông nghiệp và Môi trường tỉnh Lai Châu",
        "phongkt": "Sở Công Thương tỉnh Lai Châu",
    }
