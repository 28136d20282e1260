"""Implementing units through time: the validity interval, transfers of open work and their
undo, the rule that no activity lies outside its unit's validity, the demo, and `kttt units`.
Every date is written by hand; the boundaries are the unit's first and last days."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import IntegrityError, transaction

from kttt.plans import activities
from kttt.plans.activities import ActivityError
from kttt.plans.models import (
    Activity,
    ImplementingUnit,
    Plan,
    Task,
    UnitTransfer,
    UnitTransferItem,
)
from kttt.plans.units import UnitError, end_unit, undo_transfer
from tests.factories import ImplementingUnitFactory, UserFactory

pytestmark = pytest.mark.django_db
D = dt.date
LAST = D(2025, 6, 30)  # the district offices' last day
FIRST = D(2025, 7, 1)  # the new communes' first day


@pytest.fixture
def plan():
    return Plan.objects.create(
        name="P", area_code="109", start_year=2021, end_year=2025, baseline_year=2021
    )


@pytest.fixture
def office():
    return ImplementingUnitFactory(name="Phòng Tài chính - Kế hoạch")


@pytest.fixture
def province():
    return ImplementingUnitFactory(name="Sở Tài chính")


@pytest.fixture
def commune():
    return ImplementingUnitFactory(
        name="UBND xã Phong Thổ", kind="commune", area_code="03549", valid_from=FIRST
    )


def task(plan, code, lead, *, helpers=(), end_year=2025):
    t = Task.objects.create(
        plan=plan, code=code, title=code, responsible=lead, start_year=2021, end_year=end_year
    )
    t.cooperating.set(helpers)
    return t


def act(t, unit, start, end, status="planned", title=None):
    return activities.save_activity(
        values={
            "task": t,
            "unit": unit,
            "kind": "training",
            "title": title or f"{start}–{end}",
            "start_date": start,
            "end_date": end,
            "status": status,
        }
    )


# --- the interval ------------------------------------------------------------------------------


def test_the_database_refuses_an_interval_that_ends_before_it_starts():
    with pytest.raises(IntegrityError), transaction.atomic():
        ImplementingUnit.objects.create(
            name="X", kind="department", valid_from=D(2025, 7, 1), valid_to=D(2025, 6, 30)
        )
    # A one-day unit is an interval.
    ImplementingUnit.objects.create(name="Y", kind="department", valid_from=LAST, valid_to=LAST)


def test_valid_at_reads_both_ends_inclusively(commune, office):
    office.valid_to = LAST
    office.save(update_fields=["valid_to"])
    assert list(ImplementingUnit.objects.valid_at(LAST)) == [office]
    assert list(ImplementingUnit.objects.valid_at(FIRST)) == [commune]


def test_the_admin_cannot_shorten_a_unit_under_its_activities(plan, office):
    act(task(plan, "T", office), office, D(2025, 8, 1), D(2025, 8, 2))
    office.valid_to = LAST
    with pytest.raises(ValidationError, match="kttt units end"):
        office.full_clean()


# --- the rule on activities --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "end"),
    [
        (D(2025, 7, 1), D(2025, 7, 1)),  # after the last day
        (D(2025, 6, 20), D(2025, 7, 1)),  # spanning the end, not finished by it
    ],
)
def test_an_activity_after_its_units_end_is_refused(plan, office, start, end):
    office.valid_to = LAST
    office.save(update_fields=["valid_to"])
    with pytest.raises(ActivityError, match="chỉ hoạt động đến hết ngày 30/06/2025"):
        act(task(plan, "T", office), office, start, end)
    assert not Activity.objects.exists()


@pytest.mark.parametrize(
    ("start", "end"),
    [
        (D(2025, 6, 30), D(2025, 7, 2)),  # starting before the unit began
        (D(2025, 6, 1), D(2025, 6, 30)),  # wholly before
    ],
)
def test_an_activity_before_its_unit_began_is_refused(plan, office, commune, start, end):
    with pytest.raises(ActivityError, match="hoạt động từ ngày 01/07/2025"):
        act(task(plan, "T", office), commune, start, end)
    assert not Activity.objects.exists()


def test_the_units_first_and_last_days_are_inside(plan, office, commune):
    office.valid_to = LAST
    office.save(update_fields=["valid_to"])
    t = task(plan, "T", office)
    assert act(t, office, LAST, LAST, status="done").unit == office
    assert act(t, commune, FIRST, FIRST).unit == commune


def test_editing_an_activity_onto_an_ended_unit_is_refused(plan, office, province):
    t = task(plan, "T", province)
    a = act(t, province, D(2025, 8, 1), D(2025, 8, 5))
    office.valid_to = LAST
    office.save(update_fields=["valid_to"])
    values = {f: getattr(a, f) for f in ("task", "kind", "title", "start_date", "end_date")}
    with pytest.raises(ActivityError, match="Phòng Tài chính - Kế hoạch chỉ hoạt động"):
        activities.save_activity(values=values | {"unit": office, "status": "planned"}, activity=a)
    a.refresh_from_db()
    assert a.unit == province


# --- ending a unit -----------------------------------------------------------------------------


@pytest.fixture
def work(plan, office, province, commune):
    """The office leads T1 (2021–2025) and T0 (2021–2024, over), helps with T2; four of its
    activities: done before the end, open across the end, open after the end, and one of
    another unit."""
    other = ImplementingUnitFactory(name="Phòng Nông nghiệp")
    t1 = task(plan, "T1", office)
    t0 = task(plan, "T0", office, end_year=2024)
    t2 = task(plan, "T2", other, helpers=[office])
    return {
        "t0": t0,
        "t1": t1,
        "t2": t2,
        "other": other,
        "done": act(t1, office, D(2025, 3, 1), D(2025, 3, 2), status="done"),
        "across": act(t1, office, D(2025, 6, 20), D(2025, 7, 10), status="in_progress"),
        "after": act(t2, office, D(2025, 8, 18), D(2025, 8, 20)),
        "theirs": act(t2, other, D(2025, 8, 1), D(2025, 8, 2)),
    }


def fresh(obj):
    obj.refresh_from_db()
    return obj


def test_ending_a_unit_moves_its_open_work_and_only_that(work, office, province, commune):
    admin = UserFactory(username="quantri")
    transfer = end_unit(
        unit=office,
        date=LAST,
        successors=[province, commune],
        assignments={work["after"]: commune},
        user=admin,
        source="QĐ minh họa",
    )
    assert fresh(office).valid_to == LAST
    assert fresh(work["t1"]).responsible == province  # first successor by default
    assert fresh(work["t0"]).responsible == office  # its period is over: history
    assert set(fresh(work["t2"]).cooperating.all()) == {province}
    assert fresh(work["across"]).unit == province
    assert fresh(work["after"]).unit == commune  # named by the administrator
    assert fresh(work["done"]).unit == office
    assert fresh(work["theirs"]).unit == work["other"]
    assert transfer.created_by == admin
    assert set(transfer.successors.all()) == {province, commune}
    assert sorted(transfer.items.values_list("kind", flat=True)) == [
        "activity",
        "activity",
        "cooperating",
        "lead",
    ]


def test_an_inherited_activity_may_have_begun_before_its_new_unit(work, office, commune):
    end_unit(unit=office, date=LAST, successors=[commune])
    across = fresh(work["across"])
    assert across.unit == commune
    assert across.start_date < commune.valid_from
    values = {f: getattr(across, f) for f in ("task", "unit", "kind", "title", "start_date")}
    saved = activities.save_activity(
        values=values | {"end_date": D(2025, 7, 15), "status": "in_progress"}, activity=across
    )
    assert saved.end_date == D(2025, 7, 15)


@pytest.mark.parametrize(
    ("case", "message"),
    [
        ("no successor", "ít nhất một đơn vị nhận"),
        ("itself", "không thể tự nhận"),
        ("successor not yet", "không hoạt động vào ngày 30/06/2025"),
        ("closed work after", "Tập huấn muộn"),
        ("already ended", "đã kết thúc ngày 30/06/2025"),
    ],
)
def test_ending_is_refused_with_nothing_written(plan, office, province, commune, case, message):
    t = task(plan, "T", office)
    date, successors = LAST, [province]
    if case == "no successor":
        successors = []
    elif case == "itself":
        successors = [office]
    elif case == "successor not yet":
        date, successors = D(2025, 6, 29), [commune]
    elif case == "closed work after":
        act(t, office, D(2025, 7, 1), D(2025, 7, 2), status="cancelled", title="Tập huấn muộn")
    else:
        end_unit(unit=office, date=LAST, successors=[province])
        t.responsible = office
        t.save(update_fields=["responsible"])
    before = UnitTransfer.objects.count()
    with pytest.raises(UnitError, match=message):
        end_unit(unit=office, date=date, successors=successors)
    assert UnitTransfer.objects.count() == before
    assert fresh(t).responsible == office


# --- undoing -----------------------------------------------------------------------------------


def test_undo_restores_exactly_what_was_moved(work, office, province, commune):
    work["t2"].cooperating.add(province)  # already helping: must stay after the undo
    stamps = {k: fresh(work[k]).updated_at for k in ("across", "after")}
    transfer = end_unit(unit=office, date=LAST, successors=[province])
    undo_transfer(transfer=transfer)
    assert fresh(office).valid_to is None
    assert fresh(work["t1"]).responsible == office
    assert set(fresh(work["t2"]).cooperating.all()) == {office, province}
    for key in ("across", "after"):
        assert fresh(work[key]).unit == office
        assert work[key].updated_at == stamps[key]  # the move was not an edit
    assert fresh(transfer).undone_at is not None
    with pytest.raises(UnitError, match="đã được hoàn tác"):
        undo_transfer(transfer=transfer)
    # The unit is open again and can be ended anew.
    assert end_unit(unit=office, date=LAST, successors=[commune]).pk != transfer.pk


def test_undo_is_refused_after_a_later_edit_of_what_was_moved(work, office, province):
    transfer = end_unit(unit=office, date=LAST, successors=[province])
    after = fresh(work["after"])
    values = {f: getattr(after, f) for f in ("task", "unit", "kind", "title", "start_date")}
    activities.save_activity(
        values=values | {"end_date": after.end_date, "status": "in_progress"}, activity=after
    )
    with pytest.raises(UnitError, match="đã được sửa sau khi chuyển giao"):
        undo_transfer(transfer=transfer)
    assert fresh(office).valid_to == LAST
    assert fresh(work["t1"]).responsible == province
    assert fresh(transfer).undone_at is None


def test_undo_is_refused_after_a_successor_passed_the_work_on(work, office, province, commune):
    first = end_unit(unit=office, date=LAST, successors=[province])
    end_unit(unit=province, date=D(2025, 9, 30), successors=[commune])
    with pytest.raises(UnitError, match="không còn do Sở Tài chính chủ trì"):
        undo_transfer(transfer=first)


# --- the demo ----------------------------------------------------------------------------------


@pytest.fixture
def demo(tmp_path, settings):
    settings.VAR_DIR = tmp_path
    call_command("load_demo", password="mat-khau-demo")


def test_the_demo_has_no_activity_outside_its_units_validity(demo):
    outside = [
        a.title
        for a in Activity.objects.select_related("unit")
        if not (a.unit.is_valid_at(a.end_date) and a.unit.is_valid_at(a.start_date))
        and not UnitTransferItem.objects.filter(activity=a, to_unit=a.unit).exists()
    ]
    assert outside == []
    offices = ImplementingUnit.objects.filter(name__startswith="Phòng")
    assert {u.valid_to for u in offices} == {LAST}
    training = Activity.objects.get(title="Tập huấn kế toán HTX")
    assert training.unit.name == "UBND xã Phong Thổ"
    assert training.status == "done"
    assert UnitTransfer.objects.count() == 4
    assert all("MINH HỌA" in t.note for t in UnitTransfer.objects.all())
    assert not Task.objects.filter(responsible__valid_to=LAST).exists()
    office = UnitTransfer.objects.get(unit__name="Phòng Tài chính - Kế hoạch")
    assert (
        sorted(office.items.values_list("kind", flat=True))
        == ["activity"] + ["cooperating"] * 2 + ["lead"] * 7
    )
    # The training was carried out (marked done) by its successor: no undo.
    with pytest.raises(UnitError, match="Tập huấn kế toán HTX"):
        undo_transfer(transfer=office)
    # The agricultural office's transfer moved tasks only, untouched since: it can be undone.
    undo_transfer(transfer=UnitTransfer.objects.get(unit__name="Phòng Nông nghiệp và PTNT"))
    assert ImplementingUnit.objects.get(name="Phòng Nông nghiệp và PTNT").valid_to is None


# --- the command -------------------------------------------------------------------------------


def run(capsys, *args):
    call_command("units", *args)
    return capsys.readouterr().out


def test_the_command_ends_lists_and_undoes(work, office, province, commune, capsys):
    out = run(capsys, "end", str(office.pk), "--date", "30/06/2025", "--to", str(province.pk))
    transfer = UnitTransfer.objects.get()
    assert out.strip() == (
        f"Đã ghi nhận chuyển giao #{transfer.pk}: Phòng Tài chính - Kế hoạch kết thúc ngày "
        "30/06/2025; chuyển 1 nhiệm vụ chủ trì, 1 nhiệm vụ phối hợp, 2 hoạt động."
    )
    listing = run(capsys, "list")
    assert f"#{office.pk} Phòng Tài chính - Kế hoạch (Phòng, ban): … – 30/06/2025" in listing
    assert f"#{commune.pk} UBND xã Phong Thổ (UBND xã, phường, thị trấn): 01/07/2025 – …" in listing
    assert f"Chuyển giao #{transfer.pk}: Phòng Tài chính - Kế hoạch kết thúc 30/06/2025" in listing
    out = run(capsys, "undo", str(transfer.pk))
    assert "hoạt động trở lại" in out
    assert fresh(office).valid_to is None


def test_the_command_names_each_items_successor(work, office, province, commune, capsys):
    commune.short_name = "XPT"
    commune.save(update_fields=["short_name"])
    after = work["after"]
    run(
        capsys, "end", "Phòng Tài chính - Kế hoạch", "--date", "30/06/2025",
        "--to", str(province.pk), "--to", "XPT", "--assign", f"activity:{after.pk}=XPT",
    )  # fmt: skip
    assert fresh(after).unit == commune
    assert fresh(work["across"]).unit == province


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["end", "999", "--date", "30/06/2025", "--to", "1"], "Không có đơn vị thực hiện “999”"),
        (
            ["end", "{office}", "--date", "31/02/2025", "--to", "{province}"],
            "Ngày “31/02/2025” không hợp lệ",
        ),
        (["end", "{office}", "--date", "30/06/2025", "--to", "{office}"], "không thể tự nhận"),
        (["undo", "999"], "Không có lần chuyển giao #999"),
    ],
)
def test_the_command_refuses_with_a_vietnamese_message(office, province, args, message):
    args = [a.format(office=office.pk, province=province.pk) for a in args]
    with pytest.raises(CommandError, match=message):
        call_command("units", *args)


def test_the_command_exits_1_on_a_refusal_and_2_on_wrong_usage(office, province, capsys):
    from kttt.plans.management.commands.units import Command

    with pytest.raises(SystemExit) as refused:
        Command().run_from_argv(
            ["kttt", "units", "end", str(office.pk), "--date", "30/06/2025", "--to", "x"]
        )
    assert refused.value.code == 1
    assert "Không có đơn vị thực hiện “x”" in capsys.readouterr().err
    with pytest.raises(SystemExit) as usage:
        Command().run_from_argv(["kttt", "units", "end", str(office.pk)])
    assert usage.value.code == 2
    with pytest.raises(SystemExit) as bad_date:
        Command().run_from_argv(
            ["kttt", "units", "end", str(office.pk), "--date", "31/02/2025", "--to", "1"]
        )
    assert bad_date.value.code == 2
    assert "Ngày “31/02/2025” không hợp lệ" in capsys.readouterr().err
