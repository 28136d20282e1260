"""An import checks its file without holding the write lock (other users keep saving) and
writes under it: what changed in between, among the rows the file touches, is checked again.
Real files, a real database; the "meanwhile" is another user's save through the services,
between the check (`plan_import`) and the write (`write_checked`)."""

import datetime as dt

import pytest

from kttt.accounts.models import Role
from kttt.registry import services
from kttt.registry.excel import plan_import, write_checked
from kttt.registry.excel.importing import touched_state
from kttt.registry.models import AuditEntry, Status, YearlyReport
from tests import factories
from tests.registry.test_import import htx, standard, yearly

pytestmark = pytest.mark.django_db


@pytest.fixture
def sin_suoi_ho(phong_tho):
    """A cooperative of Xã Sìn Suối Hồ before the reform (old code 03592), founded 2018."""
    return factories.entity(
        "HTX-01", phong_tho.sin_suoi_ho_old, established=dt.date(2018, 3, 15), name="HTX Sìn Hồ"
    )


def the_file(tmp_path, **values):
    return standard(
        tmp_path,
        htx_rows=[htx(name="HTX Sìn Hồ", commune="3592", established="15/03/2018")],
        yearly_rows=[yearly(year=2024, **values)],
    )


def test_a_row_added_by_a_commune_officer_meanwhile_is_updated_not_duplicated(
    tmp_path, sin_suoi_ho
):
    path = the_file(tmp_path, members=12)
    plan = plan_import(path)
    assert plan.ok
    assert plan.counts["Số liệu năm"].created == 1
    officer = factories.user_with_role(Role.COMMUNE, "03592", username="canbo")
    # The commune officer types 2024's row while the file waits for its confirmation.
    services.save_yearly(
        entity=sin_suoi_ho, year=2024, values={"members": 30}, user=officer, approve=False
    )

    result = write_checked(plan, path)

    assert result.applied
    # Checked again under the lock: the row now exists, so the file updates it (one row).
    assert (result.counts["Số liệu năm"].created, result.counts["Số liệu năm"].updated) == (0, 1)
    row = YearlyReport.objects.get(entity=sin_suoi_ho, year=2024)
    assert row.members == 12
    # Both writes are in the history: the officer's draft, then the import's approval and
    # its values over the officer's.
    entries = list(
        AuditEntry.objects.filter(entity=sin_suoi_ho, target="yearly:2024")
        .order_by("pk")
        .values_list("source", "changes")
    )
    assert entries[0] == ("web", {"members": [None, 30]})
    assert [source for source, _ in entries[1:]] == ["import", "import"]
    assert {"review": ["draft", "approved"]} in [changes for _, changes in entries]
    assert any(changes.get("members") == [30, 12] for _, changes in entries)


def test_a_dissolution_meanwhile_makes_the_file_refused_and_nothing_is_written(
    tmp_path, sin_suoi_ho
):
    path = the_file(tmp_path, members=12)
    plan = plan_import(path)
    assert plan.ok
    services.change_status(entity=sin_suoi_ho, status=Status.DISSOLVED, date=dt.date(2023, 6, 30))
    audits = AuditEntry.objects.count()

    result = write_checked(plan, path)

    assert not result.applied
    assert result.problems, "the second check must find the dissolution"
    assert not YearlyReport.objects.filter(entity=sin_suoi_ho).exists()
    assert AuditEntry.objects.count() == audits


def test_a_save_of_another_cooperative_leaves_the_checked_rows_as_they_were(
    tmp_path, phong_tho, sin_suoi_ho
):
    other = factories.entity("HTX-02", phong_tho.ban_lang, name="HTX Bản Lang")
    path = the_file(tmp_path)
    plan = plan_import(path)
    services.save_yearly(entity=other, year=2024, values={"members": 9})
    # Nothing the file reads changed: the write needs no second check.
    assert touched_state(plan.codes, None) == plan.state
    services.save_yearly(entity=sin_suoi_ho, year=2023, values={"members": 9})
    assert touched_state(plan.codes, None) != plan.state
