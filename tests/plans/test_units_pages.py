"""The implementing units' page (/thuc-hien/don-vi/): every reader sees the units with their
validity and the recorded transfers; an administrator ends a unit naming who takes over its
open work, and undoes a transfer. Everything through kttt.plans.units, as `kttt units`."""

import datetime as dt

import pytest

from kttt.accounts.models import Role
from kttt.plans.models import Activity, ImplementingUnit, Plan, Task, UnitTransfer
from tests.web import PLAIN_STORAGES, client_for, person

pytestmark = pytest.mark.django_db
D = dt.date


@pytest.fixture(autouse=True)
def _plain_static(settings):
    settings.STORAGES = PLAIN_STORAGES


@pytest.fixture
def office(db):
    """Phòng Nông nghiệp leads a 2021–2025 task with an activity open past 30/06/2025."""
    plan = Plan.objects.create(
        name="Đề án thử", area_code="109", start_year=2021, end_year=2025, baseline_year=2021
    )
    nn = ImplementingUnit.objects.create(name="Phòng Nông nghiệp và PTNT", kind="department")
    ImplementingUnit.objects.create(
        name="Sở Nông nghiệp và Môi trường", kind="department", valid_from=D(2025, 7, 1)
    )
    task = Task.objects.create(
        plan=plan, code="III.3.a", title="Tập huấn", responsible=nn, start_year=2021, end_year=2025
    )
    Activity.objects.create(
        task=task,
        unit=nn,
        kind="training",
        title="Tập huấn chuỗi giá trị",
        start_date=D(2025, 6, 1),
        end_date=D(2025, 8, 30),
        status="in_progress",
    )
    return nn


def admin_client():
    user = person(Role.ADMIN)
    user.is_superuser = user.is_staff = True
    user.save(update_fields=["is_superuser", "is_staff"])
    return client_for(user)


def test_every_reader_sees_the_units_and_their_validity(office):
    page = client_for(person(Role.VIEWER, "109")).get("/thuc-hien/don-vi/")
    assert page.status_code == 200
    assert "Phòng Nông nghiệp và PTNT" in page.text
    assert "01/07/2025 – …" in page.text  # the provincial department's validity
    assert "Kết thúc, chuyển giao việc" not in page.text  # a viewer manages nothing


def test_an_administrator_ends_a_unit_and_its_open_work_moves(office):
    client = admin_client()
    sở = ImplementingUnit.objects.get(name="Sở Nông nghiệp và Môi trường")
    response = client.post(
        f"/thuc-hien/don-vi/{office.pk}/ket-thuc/",
        {"date": "30/06/2025", "successor": sở.pk, "source": "QĐ thử"},
    )
    assert response.status_code == 302
    office.refresh_from_db()
    assert office.valid_to == D(2025, 6, 30)
    assert Task.objects.get().responsible == sở
    assert Activity.objects.get().unit == sở
    transfer = UnitTransfer.objects.get()
    page = client.get("/thuc-hien/don-vi/").text
    assert "1 nhiệm vụ chủ trì, 0 nhiệm vụ phối hợp, 1 hoạt động" in page
    assert client.post(f"/thuc-hien/don-vi/chuyen-giao/{transfer.pk}/hoan-tac/").status_code == 302
    office.refresh_from_db()
    assert office.valid_to is None
    assert Task.objects.get().responsible == office
    assert Activity.objects.get().unit == office


def test_a_refused_end_is_a_vietnamese_form_error_and_writes_nothing(office):
    """The successor began on 01/07/2025: it cannot take work on a day before it existed."""
    sở = ImplementingUnit.objects.get(name="Sở Nông nghiệp và Môi trường")
    response = admin_client().post(
        f"/thuc-hien/don-vi/{office.pk}/ket-thuc/", {"date": "30/05/2025", "successor": sở.pk}
    )
    assert response.status_code == 400
    assert "không hoạt động vào ngày 31/05/2025" in response.text
    office.refresh_from_db()
    assert office.valid_to is None
    assert not UnitTransfer.objects.exists()


@pytest.mark.parametrize(("role", "area"), [(Role.PLANNING, "109"), (Role.VIEWER, "109")])
def test_only_an_administrator_ends_a_unit(office, role, area):
    client = client_for(person(role, area))
    assert client.get(f"/thuc-hien/don-vi/{office.pk}/ket-thuc/").status_code == 403
    assert client.get("/thuc-hien/don-vi/999999/ket-thuc/").status_code == 404
