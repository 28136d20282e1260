"""Registry writes: rules enforced below the forms, audit of every change."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from kttt.registry import services
from kttt.registry.models import AuditEntry, OcopProduct, Status, YearlyReport
from tests.factories import entity, unit, user_with_role, yearly

pytestmark = pytest.mark.django_db
D = dt.date


@pytest.fixture
def coop(phong_tho):
    return entity("6200000001", phong_tho.tt_phong_tho, name="HTX Phúc Hưng")


@pytest.mark.parametrize(
    "values",
    [
        {"workers": 3, "workers_trained": 4},
        {"managers": 2, "managers_primary": 1, "managers_university": 2},
        {"members": -1},
        {"members": 1_000_001},
        {"revenue": Decimal("-1")},
        {"profit": Decimal("-1000000001")},
    ],
)
def test_it_refuses_impossible_figures_in_the_database_itself(coop, values):
    """Even a write that bypasses forms and import (a bug, a shell) cannot store them."""
    with pytest.raises(IntegrityError), transaction.atomic():
        YearlyReport.objects.create(entity=coop, year=2021, **values)
    assert not YearlyReport.objects.exists()


def test_it_allows_a_loss_and_unknown_figures(coop):
    report = yearly(coop, 2021, profit=-12.5, workers=None)
    assert report.profit == Decimal("-12.5")
    assert report.workers is None


def test_it_refuses_ocop_stars_out_of_range(coop):
    with pytest.raises(IntegrityError), transaction.atomic():
        OcopProduct.objects.create(entity=coop, name="Chè", stars=6, recognized_on=D(2022, 1, 1))


def test_it_records_who_changed_what(coop):
    officer = user_with_role("planning", "109")
    yearly(coop, 2021, members=10, revenue=100)
    services.save_yearly(
        entity=coop, year=2021, values={"members": 12, "revenue": Decimal(100)}, user=officer
    )
    services.update_entity(entity=coop, values={"name": "HTX Phúc Hưng Mới"}, user=officer)
    latest = list(coop.audit_entries.order_by("pk").values_list("target", "action", "changes"))
    assert latest[-2] == ("yearly:2021", "update", {"members": [10, 12]})
    assert latest[-1] == ("entity", "update", {"name": ["HTX Phúc Hưng", "HTX Phúc Hưng Mới"]})
    assert AuditEntry.objects.filter(user=officer).count() == 2


def test_it_changes_nothing_and_audits_nothing_when_values_are_equal(coop):
    yearly(coop, 2021, members=10)
    before = AuditEntry.objects.count()
    services.save_yearly(entity=coop, year=2021, values={"members": 10})
    assert AuditEntry.objects.count() == before


def test_it_keeps_the_search_text_in_step_with_the_name(coop):
    services.update_entity(entity=coop, values={"name": "HTX Đoàn Kết"})
    coop.refresh_from_db()
    assert "doan ket" in coop.search_text


@pytest.mark.parametrize(
    ("status", "date", "message"),
    [
        (Status.DISSOLVED, None, "Chưa nhập ngày đổi trạng thái"),
        (Status.DISSOLVED, D(2014, 1, 1), "trước ngày thành lập"),
        (Status.ACTIVE, D(2020, 1, 1), "không thay đổi"),
    ],
)
def test_it_refuses_a_bad_status_change(coop, status, date, message):
    with pytest.raises(services.RegistryError, match=message):
        services.change_status(entity=coop, status=status, date=date)
    assert not coop.status_changes.exists()


def test_it_refuses_a_move_to_a_commune_that_does_not_exist_then(coop):
    old_si_lo_lau = unit("3550")
    with pytest.raises(services.RegistryError, match="không tồn tại vào ngày 01/08/2025"):
        services.move_entity(entity=coop, unit=old_si_lo_lau, date=D(2025, 8, 1))
    assert coop.locations.count() == 1


def test_it_refuses_a_second_entity_with_the_same_code(coop, phong_tho):
    with pytest.raises(services.RegistryError, match="đã có trong sổ"):
        entity("6200000001", phong_tho.tt_phong_tho)
