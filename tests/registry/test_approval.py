"""Yearly figures through their approval (issue 9, point 2; docs/approval.md): a
representative's draft, sent, returned with a comment, corrected, sent again, approved and
then locked; the official figures count approved rows only, with the page's switch."""

import datetime as dt

import pytest
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from kttt.accounts.models import Role
from kttt.indicators.engine import compute
from kttt.registry import services
from kttt.registry.models import AuditEntry, ReviewStatus, YearlyReport, YearlyReview
from kttt.registry.reporting import deadline
from tests import factories
from tests.web import PLAIN_STORAGES, client_for, coop, person

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("storages")]


@pytest.fixture
def storages(settings):
    settings.STORAGES = PLAIN_STORAGES


@pytest.fixture
def w(phong_tho):
    own = coop("OWN", phong_tho.tt_phong_tho, phong_tho.xa_phong_tho, name="HTX Thử Duyệt")
    other = coop("OTHER", phong_tho.tt_phong_tho, phong_tho.xa_phong_tho, name="HTX Khác")
    rep = person(Role.COOPERATIVE, cooperative=own)
    planner = person(Role.PLANNING, "109")
    officer = person(Role.COMMUNE, "3549")
    return type(
        "W", (), {"own": own, "other": other, "rep": rep, "planner": planner, "officer": officer}
    )


FIGURES = {"members": "12", "workers": "7", "revenue": "350"}


def test_a_representative_sends_the_office_returns_then_approves(w):
    rep, office = client_for(w.rep), client_for(w.planner)
    year = timezone.localdate().year - 1
    page = reverse("registry:my_cooperative")
    assert rep.get(page).status_code == 200
    assert rep.post(page, {**FIGURES, "action": "save"}).status_code == 302
    report = YearlyReport.objects.get(entity=w.own, year=year)
    assert report.status == ReviewStatus.DRAFT
    assert report.reported_at is None
    rep.post(page, {**FIGURES, "action": "submit"})
    report.refresh_from_db()
    assert report.status == ReviewStatus.SUBMITTED
    assert report.reported_at is not None
    assert "HTX Thử Duyệt" in office.get(reverse("registry:review_list")).text

    review = reverse("registry:review_detail", args=["OWN", year])
    empty = office.post(review, {"action": "return", "comment": "  "})
    assert empty.status_code == 400
    assert "Hãy ghi ý kiến" in empty.text
    office.post(review, {"action": "return", "comment": "Doanh thu chưa khớp sổ sách"})
    report.refresh_from_db()
    assert report.status == ReviewStatus.RETURNED
    shown = rep.get(page).text
    assert "Doanh thu chưa khớp sổ sách" in shown

    rep.post(page, {**FIGURES, "revenue": "320", "action": "submit"})
    office.post(review, {"action": "approve", "comment": ""})
    report.refresh_from_db()
    assert report.status == ReviewStatus.APPROVED
    assert report.revenue == 320
    steps = list(report.reviews.values_list("action", "user__username"))
    assert steps == [
        ("submit", w.rep.username),
        ("return", w.planner.username),
        ("submit", w.rep.username),
        ("approve", w.planner.username),
    ]
    assert AuditEntry.objects.filter(entity=w.own, changes__has_key="review").count() == 4

    # Locked for the representative: the form is read-only and a write is refused.
    locked = rep.get(page).text
    assert "đã được duyệt" in locked
    assert 'name="action"' not in locked
    again = rep.post(page, {**FIGURES, "revenue": "1", "action": "save"})
    assert again.status_code == 200
    report.refresh_from_db()
    assert report.revenue == 320
    edit = reverse("registry:yearly_edit", args=["OWN", year])
    assert rep.get(edit).status_code == 403
    assert client_for(w.officer).get(edit).status_code == 403
    assert office.get(edit).status_code == 200


def test_only_the_office_reopens_with_a_reason(w):
    factories.yearly(w.own, 2024, members=5)  # written without a user: approved
    review = reverse("registry:review_detail", args=["OWN", 2024])
    assert client_for(w.rep).post(review, {"action": "reopen", "comment": "x"}).status_code == 403
    office = client_for(w.planner)
    assert office.post(review, {"action": "reopen", "comment": ""}).status_code == 400
    office.post(review, {"action": "reopen", "comment": "Sai số thành viên"})
    report = YearlyReport.objects.get(entity=w.own, year=2024)
    assert report.status == ReviewStatus.RETURNED
    assert report.reviews.last().comment == "Sai số thành viên"


def test_a_commune_officer_writes_drafts_the_office_writes_approved(w):
    services.save_yearly(entity=w.own, year=2024, values={"members": 4}, approve=False)
    services.save_yearly(entity=w.other, year=2024, values={"members": 6}, approve=True)
    statuses = dict(YearlyReport.objects.values_list("entity__code", "status"))
    assert statuses == {"OWN": "draft", "OTHER": "approved"}
    officer = client_for(w.officer)
    create = reverse("registry:yearly_create", args=["OTHER"])
    officer.post(create, {"year": "2023", "members": "3"})
    assert YearlyReport.objects.get(entity=w.other, year=2023).status == ReviewStatus.DRAFT
    client_for(w.planner).post(
        reverse("registry:yearly_create", args=["OWN"]), {"year": "2023", "members": "3"}
    )
    assert YearlyReport.objects.get(entity=w.own, year=2023).status == ReviewStatus.APPROVED


def test_official_figures_count_approved_rows_and_the_switch_adds_the_rest(w):
    """Two cooperatives in Xã Phong Thổ in 2025: OWN approved with 10 members, OTHER a
    draft with 4. Official: 10 members, 1 report of 2 active (50 %); with the switch 14
    members, 2 reports (100 %)."""
    services.save_yearly(entity=w.own, year=2025, values={"members": 10})
    services.save_yearly(entity=w.other, year=2025, values={"members": 4}, approve=False)
    official = compute(2025, "03549")["indicators"]
    assert (official["members"], official["reports_received"]) == (10, 1)
    assert official["reporting_rate_pct"] == 50
    every = compute(2025, "03549", include_unapproved=True)["indicators"]
    assert (every["members"], every["reports_received"]) == (14, 2)
    office = client_for(w.planner)
    url = reverse("indicators:index")
    assert office.get(url, {"year": 2025, "area": "03549"}).context["totals"]["members"] == 10
    switched = office.get(url, {"year": 2025, "area": "03549", "chua_duyet": "1"})
    assert switched.context["totals"]["members"] == 14
    assert "không phải số liệu chính thức" in switched.text


@override_settings(KTTT_REPORT_DEADLINE="15/01")
def test_on_time_reporting_rate_and_the_late_list(w, phong_tho):
    """2024 in Xã Phong Thổ, three active HTX: OWN first sent on 15/01/2025 23:00 (on time,
    then returned: still on time), OTHER approved on 16/01/2025 08:00 (late), THIRD none.
    On time 1 of 3 = 33,33 %."""
    third = coop("THIRD", phong_tho.tt_phong_tho, phong_tho.xa_phong_tho, name="HTX Thứ Ba")
    services.save_yearly(entity=w.own, year=2024, values={"members": 3}, approve=False)
    own = YearlyReport.objects.get(entity=w.own)
    services.submit_yearly(report=own)
    services.return_yearly(report=own, comment="Thiếu doanh thu")
    services.save_yearly(entity=w.other, year=2024, values={"members": 5})
    tz = timezone.get_current_timezone()
    YearlyReport.objects.filter(entity=w.own).update(
        reported_at=dt.datetime(2025, 1, 15, 23, 0, tzinfo=tz)
    )
    YearlyReport.objects.filter(entity=w.other).update(
        reported_at=dt.datetime(2025, 1, 16, 8, 0, tzinfo=tz)
    )
    assert deadline(2024) == dt.date(2025, 1, 15)
    rate = compute(2024, "03549")["indicators"]["reporting_ontime_pct"]
    assert rate == pytest.approx(100 / 3)
    page = client_for(w.planner).get(
        reverse("registry:reporting_status"), {"year": 2024, "area": "03549"}
    )
    assert page.status_code == 200
    assert "HTX Khác" in page.text
    assert "Báo cáo muộn" in page.text
    assert third.name in page.text
    assert "Chưa báo cáo" in page.text
    assert "HTX Thử Duyệt" not in page.text  # on time: listed only with "tat_ca"


def test_the_import_approves_what_it_writes(w):
    services.save_yearly(entity=w.own, year=2024, values={"members": 3}, approve=False)
    from kttt.registry.excel.writing import _approve_changed

    report = YearlyReport.objects.get(entity=w.own)
    _approve_changed([report.pk], None, "import")
    report.refresh_from_db()
    assert report.status == ReviewStatus.APPROVED
    assert YearlyReview.objects.get(report=report).source == "import"


def test_the_review_queue_does_not_grow_in_queries(w, django_assert_max_num_queries):
    office = client_for(w.planner)
    url = reverse("registry:review_list")
    services.save_yearly(entity=w.own, year=2024, values={"members": 3}, approve=False)
    services.submit_yearly(report=YearlyReport.objects.get(entity=w.own))
    office.get(url)
    with django_assert_max_num_queries(20) as one:
        office.get(url)
    for year in (2021, 2022, 2023):
        services.save_yearly(entity=w.other, year=year, values={"members": 3}, approve=False)
        services.submit_yearly(report=YearlyReport.objects.get(entity=w.other, year=year))
    with django_assert_max_num_queries(len(one.captured_queries)):
        assert office.get(url).text.count("Xem và duyệt") == 4


# --- approving several rows at once (the queue's "Duyệt các dòng đã chọn") --------------------


def sent(entity, year):
    services.save_yearly(entity=entity, year=year, values={"members": 3}, approve=False)
    report = YearlyReport.objects.get(entity=entity, year=year)
    services.submit_yearly(report=report)
    return report


def test_the_office_approves_the_ticked_rows_in_one_post(w):
    """Three sent rows, two ticked: those two are approved exactly as one at a time (a
    YearlyReview "approve" by the office with the comment, a change-history entry, locked
    for the representative); the third stays sent."""
    a, b, c = sent(w.own, 2023), sent(w.own, 2024), sent(w.other, 2024)
    office = client_for(w.planner)
    url = reverse("registry:review_list")
    assert office.get(url).text.count('type="checkbox" name="report"') == 3
    answer = office.post(url, {"report": [a.pk, c.pk], "comment": "Khớp sổ sách"})
    assert answer.status_code == 302
    assert "Đã duyệt 2 dòng số liệu năm." in office.get(url).text
    for report, status in ((a, "approved"), (b, "submitted"), (c, "approved")):
        report.refresh_from_db()
        assert report.status == status
    step = YearlyReview.objects.get(report=a, action="approve")
    assert (step.user, step.comment, step.source) == (w.planner, "Khớp sổ sách", "web")
    entry = AuditEntry.objects.filter(entity=w.own, target="yearly:2023").latest("pk")
    assert entry.changes["review"] == ["submitted", "approved"]
    rep = client_for(w.rep)
    assert rep.get(reverse("registry:yearly_edit", args=["OWN", 2023])).status_code == 403


def test_a_row_not_sent_refuses_the_whole_bulk_approval(w):
    a, b = sent(w.own, 2023), sent(w.other, 2024)
    services.return_yearly(report=b, comment="Thiếu doanh thu")
    office = client_for(w.planner)
    answer = office.post(reverse("registry:review_list"), {"report": [a.pk, b.pk]})
    assert answer.status_code == 400
    assert "Chỉ duyệt được các dòng đang ở tình trạng “Đã gửi”" in answer.text
    assert "HTX Khác (OTHER) 2024" in answer.text
    a.refresh_from_db()
    assert a.status == ReviewStatus.SUBMITTED  # nothing approved
    assert not YearlyReview.objects.filter(action="approve").exists()


def test_a_row_outside_the_territory_refuses_the_whole_bulk_approval(w):
    mine = sent(w.own, 2024)
    elsewhere = factories.entity("TD1", factories.unit("3424"), name="HTX Tam Đường")  # Bản Bo
    theirs = sent(elsewhere, 2024)
    office = client_for(w.planner)
    url = reverse("registry:review_list")
    assert "HTX Tam Đường" not in office.get(url).text
    for ticked in ([mine.pk, theirs.pk], [mine.pk, 987654], [mine.pk, "x"]):
        answer = office.post(url, {"report": ticked})
        assert answer.status_code == 400
        assert "không thuộc địa bàn bạn duyệt; không dòng nào được duyệt" in answer.text
        assert "HTX Tam Đường" not in answer.text
    assert YearlyReport.objects.filter(status=ReviewStatus.APPROVED).count() == 0


def test_nothing_ticked_says_so(w):
    sent(w.own, 2024)
    answer = client_for(w.planner).post(reverse("registry:review_list"), {"comment": ""})
    assert answer.status_code == 400
    assert "Hãy chọn ít nhất một dòng để duyệt." in answer.text


def test_who_does_not_approve_cannot_bulk_approve(w):
    report = sent(w.own, 2024)
    url = reverse("registry:review_list")
    for user in (w.officer, w.rep, person(Role.VIEWER, "109"), person(Role.DEPARTMENT, "109")):
        client = client_for(user)
        assert client.get(url).status_code == 403
        assert client.post(url, {"report": [report.pk]}).status_code == 403
    report.refresh_from_db()
    assert report.status == ReviewStatus.SUBMITTED


def test_bulk_approval_queries_grow_by_a_few_per_row(w):
    """Each more row costs the writes of one approval and nothing read: its UPDATE, its
    YearlyReview and change-history INSERTs, and the SAVEPOINT / RELEASE around each
    approve_yearly. Measured on SQLite: 24 queries for 1 row, 34 for 3 (5 a row)."""
    office = client_for(w.planner)
    url = reverse("registry:review_list")
    first = sent(w.own, 2020)
    with CaptureQueriesContext(connection) as one:
        office.post(url, {"report": [first.pk]})
    three = [sent(w.own, 2021), sent(w.own, 2022), sent(w.other, 2022)]
    with CaptureQueriesContext(connection) as many:
        office.post(url, {"report": [r.pk for r in three]})
    per_row = (len(many.captured_queries) - len(one.captured_queries)) / 2
    assert per_row <= 6, per_row
    assert YearlyReport.objects.filter(status=ReviewStatus.APPROVED).count() == 4
