"""Optimistic locking of the registry's edit forms (issue 11: no lost updates).

Two sessions open the same form; the first saves; the second's save is refused with
nothing written, the first's value kept, the second's input shown again with who changed
the record and when; the second saves again (the form now carries the new version) and
overwrites deliberately.

Data: HTX 0101 founded in 2015 in Thị trấn Phong Thổ (commune code 03549 before the reform),
moved to today's Xã Phong Thổ on 01/7/2025; its 2024 row. People: the planning office of
Huyện Phong Thổ (109) and the commune officer of today's Xã Phong Thổ (3549).
"""

import datetime as dt
import re
import threading
import time
from decimal import Decimal

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from kttt.accounts.models import Role
from kttt.registry import services
from kttt.registry.models import AuditEntry, Entity, GradingRule, OcopProduct, YearlyReport
from kttt.registry.views import yearly_guard
from kttt.web.versions import Conflict
from tests import factories
from tests.web import PLAIN_STORAGES, client_for, coop, form_values, person

pytestmark = pytest.mark.django_db(transaction=False)


@pytest.fixture(autouse=True)
def _plain_static(settings):
    settings.STORAGES = PLAIN_STORAGES


@pytest.fixture
def mine(phong_tho):
    return coop("0101", phong_tho.tt_phong_tho, phong_tho.xa_phong_tho, name="HTX Phúc Hưng")


@pytest.fixture
def office_user(db):
    return named(person(Role.PLANNING, "109"), "Lò Văn", "Tổng")


@pytest.fixture
def officer_user(db):
    return named(person(Role.COMMUNE, "3549"), "Vàng Thị", "Xã")


def named(user, first, last):
    user.first_name, user.last_name = first, last
    user.save(update_fields=["first_name", "last_name"])
    return user


def opened(client, address):
    """The form as a browser shows it: the values it would send back."""
    response = client.get(address)
    assert response.status_code == 200
    values = form_values(response.text)
    assert re.fullmatch(r"[0-9a-f]{16}|0", values["version"])
    return values


def minute_of(at: dt.datetime) -> str:
    return timezone.localtime(at).strftime("%d/%m/%Y %H:%M")


def refused(response):
    assert response.status_code == 409
    return response.text


def test_it_refuses_the_second_save_of_a_yearly_row_and_overwrites_when_asked_again(
    mine, office_user, officer_user
):
    factories.yearly(mine, 2024, members=20, workers=10, revenue=500)
    YearlyReport.objects.filter(entity=mine, year=2024).update(status="draft")
    edit = reverse("registry:yearly_edit", args=[mine.code, 2024])
    officer, office = client_for(officer_user), client_for(office_user)
    by_officer, by_office = opened(officer, edit), opened(office, edit)
    assert by_officer["members"] == "20"
    assert by_office["version"] == by_officer["version"]

    assert officer.post(edit, {**by_officer, "members": "22"}).status_code == 302
    text = refused(office.post(edit, {**by_office, "members": "25", "revenue": "1.234,5"}))

    row = YearlyReport.objects.get(entity=mine, year=2024)
    assert (row.members, row.revenue, row.status) == (22, Decimal(500), "draft")
    change = AuditEntry.objects.filter(target="yearly:2024").first()
    assert change is not None
    assert change.user == officer_user
    assert "Vàng Thị Xã" in text
    assert minute_of(change.at) in text
    assert "Số thành viên: 20 → 22" in text
    again = form_values(text)  # the office's input kept, the new version in the form
    assert (again["members"], again["revenue"]) == ("25", "1.234,5")
    assert again["version"] != by_office["version"]
    assert "Đang lưu: 22" in text  # the stored value beside the field that differs
    assert "Đang lưu: 500" in text
    assert YearlyReport.objects.get(entity=mine, year=2024).members == 22

    assert office.post(edit, again).status_code == 302
    row = YearlyReport.objects.get(entity=mine, year=2024)
    assert (row.members, row.revenue, row.status) == (25, Decimal("1234.5"), "approved")


def test_a_save_that_changes_nothing_the_form_shows_is_not_a_conflict(mine, office_user):
    """A review step (the status, not a figure) between opening and saving refuses nothing."""
    factories.yearly(mine, 2024, members=20)
    YearlyReport.objects.filter(entity=mine, year=2024).update(status="submitted")
    edit = reverse("registry:yearly_edit", args=[mine.code, 2024])
    office = client_for(office_user)
    values = opened(office, edit)
    YearlyReport.objects.filter(entity=mine, year=2024).update(status="returned")
    assert office.post(edit, {**values, "members": "21"}).status_code == 302
    assert YearlyReport.objects.get(entity=mine, year=2024).members == 21


def test_a_save_without_a_version_writes_as_before(mine, office_user):
    """A post without the hidden field (a page opened before this version) is not checked."""
    factories.yearly(mine, 2024, members=20)
    edit = reverse("registry:yearly_edit", args=[mine.code, 2024])
    values = opened(client_for(office_user), edit)
    del values["version"]
    assert client_for(office_user).post(edit, {**values, "members": "30"}).status_code == 302
    assert YearlyReport.objects.get(entity=mine, year=2024).members == 30


def test_it_refuses_the_second_save_of_a_cooperatives_details(mine, office_user, officer_user):
    edit = reverse("registry:entity_edit", args=[mine.code])
    officer, office = client_for(officer_user), client_for(office_user)
    by_officer, by_office = opened(officer, edit), opened(office, edit)

    assert officer.post(edit, {**by_officer, "phone": "0213 3876 543"}).status_code == 302
    text = refused(office.post(edit, {**by_office, "name": "HTX Phúc Hưng Phong Thổ"}))

    entity = Entity.objects.get(code="0101")
    assert (entity.name, entity.phone) == ("HTX Phúc Hưng", "0213 3876 543")
    assert "Vàng Thị Xã" in text
    assert "0213 3876 543" in text
    again = form_values(text)
    assert again["name"] == "HTX Phúc Hưng Phong Thổ"
    assert again["phone"] == ""  # the office's own input, the blank it sent

    # Re-applied with the new version: the office's whole form wins, as it asked.
    assert office.post(edit, again).status_code == 302
    entity.refresh_from_db()
    assert (entity.name, entity.phone) == ("HTX Phúc Hưng Phong Thổ", "")


def test_it_refuses_the_second_save_of_an_ocop_product(mine, office_user, officer_user):
    product = OcopProduct.objects.create(
        entity=mine, name="Chè Shan Tuyết", stars=3, recognized_on=dt.date(2024, 5, 10)
    )
    edit = reverse("registry:ocop_edit", args=[mine.code, product.pk])
    officer, office = client_for(officer_user), client_for(office_user)
    by_officer, by_office = opened(officer, edit), opened(office, edit)

    assert officer.post(edit, {**by_officer, "stars": "4"}).status_code == 302
    text = refused(office.post(edit, {**by_office, "level": "tinh"}))

    product.refresh_from_db()
    assert (product.stars, product.level) == (4, "")
    assert "Số sao: 3 → 4" in text
    assert "Vàng Thị Xã" in text
    again = form_values(text)
    assert (again["stars"], again["level"]) == ("3", "tinh")
    assert office.post(edit, {**again, "stars": "4"}).status_code == 302
    product.refresh_from_db()
    assert (product.stars, product.level) == (4, "tinh")


def test_a_product_deleted_meanwhile_is_said_so(mine, office_user):
    product = OcopProduct.objects.create(
        entity=mine, name="Chè Shan Tuyết", stars=3, recognized_on=dt.date(2024, 5, 10)
    )
    edit = reverse("registry:ocop_edit", args=[mine.code, product.pk])
    office = client_for(office_user)
    values = opened(office, edit)
    product.delete()
    assert office.post(edit, values).status_code == 404  # gone: as for any missing record


def test_the_representatives_page_refuses_a_year_written_meanwhile(mine, officer_user):
    """The representative's form of the reported year, opened before the row existed: the
    commune officer writes the row first; the representative's first save is refused."""
    from kttt.registry.views_review import reported_year

    year = reported_year()
    rep = client_for(person(Role.COOPERATIVE, cooperative=mine))
    page = reverse("registry:my_cooperative")
    values = opened(rep, page)
    assert values["version"] == "0"
    officer = client_for(officer_user)
    create = reverse("registry:yearly_create", args=[mine.code])
    created = officer.post(create, {"year": str(year), "members": "15"})
    assert created.status_code == 302

    text = refused(rep.post(page, {**values, "members": "12", "action": "save"}))
    assert YearlyReport.objects.get(entity=mine, year=year).members == 15
    assert "Vàng Thị Xã" in text
    assert "Đang lưu: 15" in text
    again = form_values(text)
    assert again["members"] == "12"
    assert rep.post(page, {**again, "action": "save"}).status_code == 302
    assert YearlyReport.objects.get(entity=mine, year=year).members == 12


def test_it_refuses_the_second_save_of_a_grading_rule(db):
    first, second = named(person(Role.ADMIN), "Quản", "Trị Một"), person(Role.ADMIN)
    rule = GradingRule.objects.get()
    shipped_note = rule.note
    edit = reverse("registry:grading_rule_edit", args=[rule.pk])
    one, two = client_for(first), client_for(second)
    by_one, by_two = opened(one, edit), opened(two, edit)
    assert one.post(edit, {**by_one, "note": "Theo Công văn 12"}).status_code == 302
    text = refused(two.post(edit, {**by_two, "label_kha": "Khá giỏi"}))
    rule.refresh_from_db()
    assert (rule.note, rule.labels["kha"]) == ("Theo Công văn 12", "Khá")
    assert "Quản Trị Một" in text
    assert minute_of(rule.updated_at) in text
    again = form_values(text)
    assert again["label_kha"] == "Khá giỏi"
    assert two.post(edit, again).status_code == 302
    rule.refresh_from_db()
    assert (rule.note, rule.labels["kha"]) == (shipped_note, "Khá giỏi")  # its whole form


def test_approving_figures_changed_since_they_were_shown_is_refused(
    mine, office_user, officer_user
):
    """The office opens a sent 2024 row to approve it; the commune officer changes a figure
    (the row goes back to draft); the office's "Duyệt" is refused, the page shows the new
    figure; approving again, now with what it sees, goes through."""
    factories.yearly(mine, 2024, members=20)
    YearlyReport.objects.filter(entity=mine, year=2024).update(status="submitted")
    review = reverse("registry:review_detail", args=[mine.code, 2024])
    office = client_for(office_user)
    shown = opened(office, review)
    edit = reverse("registry:yearly_edit", args=[mine.code, 2024])
    officer = client_for(officer_user)
    assert officer.post(edit, {**opened(officer, edit), "members": "23"}).status_code == 302

    text = refused(office.post(review, {**shown, "action": "approve"}))
    row = YearlyReport.objects.get(entity=mine, year=2024)
    assert (row.members, row.status) == (23, "draft")
    assert "Số thành viên: 20 → 23" in text
    assert office.post(review, {**form_values(text), "action": "approve"}).status_code == 302
    assert YearlyReport.objects.get(entity=mine, year=2024).status == "approved"


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs two connections that wait on a row lock (PostgreSQL)",
)
# serialized_rollback: the flush after a transactional test must not lose the units loaded
# by the data migration for the tests that follow.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_saves_at_the_same_moment_the_second_waits_and_is_refused(phong_tho):
    """The check and the write are one step: while the first save holds the row (checked,
    written, not yet committed), the second, read with the same version, waits for it, then
    sees the new version and is refused. PostgreSQL only: the test run's in-memory SQLite
    database (shared cache) answers "locked" at once instead of waiting; on a real SQLite
    file the transaction is BEGIN IMMEDIATE (settings) and the guard's no-op UPDATE takes
    the write lock first, so a second writer waits out the busy timeout the same way."""
    entity = coop("0101", phong_tho.tt_phong_tho, phong_tho.xa_phong_tho)
    factories.yearly(entity, 2024, members=20)
    read = yearly_guard(entity, 2024, YearlyReport.objects.get(entity=entity, year=2024)).version
    inside, release = threading.Event(), threading.Event()
    outcome: dict[str, str] = {}

    def save(who: str, members: int, hold: bool) -> None:
        try:
            if not hold:
                inside.wait(10)
            report = YearlyReport.objects.get(entity=entity, year=2024)
            with yearly_guard(entity, 2024, report).checked(read):
                values = {"members": members}
                services.save_yearly(entity=entity, year=2024, values=values, source="test")
                if hold:
                    inside.set()
                    release.wait(10)
            outcome[who] = "saved"
        except Conflict:
            outcome[who] = "refused"
        finally:
            connection.close()

    first = threading.Thread(target=save, args=("first", 22, True))
    second = threading.Thread(target=save, args=("second", 25, False))
    first.start()
    second.start()
    inside.wait(10)
    time.sleep(0.5)
    assert second.is_alive()  # waiting on the first's row lock
    release.set()
    first.join(10)
    second.join(10)
    assert outcome == {"first": "saved", "second": "refused"}
    assert YearlyReport.objects.get(entity=entity, year=2024).members == 22
