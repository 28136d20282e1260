"""Who may see and change plan execution (kttt.access.plans), through the pages.

The world: a plan of Huyện Phong Thổ (109) running from last year to next year, with four
activities, one per unit: Phòng Nông nghiệp (NN), Phòng Kinh tế - Hạ tầng (KT), UBND xã
Phong Thổ (03549) and UBND xã Dào San (03571); and a plan of Huyện Tam Đường (106) with one
activity, another area for everybody here but the administrator.

Personas: a department officer of each department, a planning officer of 109, a commune
officer of Xã Phong Thổ and one of Xã Dào San, a viewer of 109 and one of Xã Phong Thổ.
"""

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from kttt.access import plans as access
from kttt.accounts.models import Membership, Role
from kttt.plans import activities, budget
from kttt.plans.models import Activity, ImplementingUnit, Plan, Task
from tests.web import PLAIN_STORAGES, admin, client_for, coop, person, today

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def member(role: str, area: str = "", unit: ImplementingUnit | None = None, **extra):
    """A user with one role; with `unit`, the department or commune whose work it does."""
    user = person(role, area, **extra)
    if unit is not None:
        Membership.objects.filter(user=user).update(implementing_unit=unit)
    return user


def activity(task: Task, unit: ImplementingUnit, title: str, **values) -> Activity:
    on = today()
    return activities.save_activity(
        values={
            "task": task,
            "unit": unit,
            "kind": "training",
            "title": title,
            "start_date": values.pop("start_date", on - dt.timedelta(days=10)),
            "end_date": values.pop("end_date", on + dt.timedelta(days=10)),
            "status": values.pop("status", "in_progress"),
            **values,
        }
    )


def evidence_of(act: Activity, name: str = "bien-ban.pdf"):
    return activities.add_evidence(
        activity=act, upload=SimpleUploadedFile(name, PDF, content_type="application/pdf")
    )


def build_world(units) -> SimpleNamespace:
    """`units` is the phong_tho fixture (tests.factories.units())."""
    year = today().year
    plan = Plan.objects.create(
        name="Đề án KTTT huyện Phong Thổ (thử)",
        area_code="109",
        start_year=year - 1,
        end_year=year + 1,
        baseline_year=year - 1,
    )
    nn = ImplementingUnit.objects.create(
        name="Phòng Nông nghiệp và PTNT", short_name="NN&PTNT", kind="department"
    )
    kt = ImplementingUnit.objects.create(
        name="Phòng Kinh tế - Hạ tầng", short_name="KT-HT", kind="department"
    )
    xa = ImplementingUnit.objects.create(
        name="UBND xã Phong Thổ", kind="commune", area_code="03549"
    )
    ds = ImplementingUnit.objects.create(name="UBND xã Dào San", kind="commune", area_code="03571")
    task = Task.objects.create(
        plan=plan,
        code="III.3.a",
        title="Tập huấn, tư vấn thành lập HTX",
        responsible=nn,
        start_year=year - 1,
        end_year=year + 1,
        order=1,
    )
    task.cooperating.set([kt, xa])
    solution = Task.objects.create(
        plan=plan,
        kind="solution",
        code="III.4.c",
        title="Tập trung nguồn lực cho HTX gắn với chuỗi giá trị",
        responsible=kt,
        start_year=year - 1,
        end_year=year + 1,
        order=1,
    )
    other_plan = Plan.objects.create(
        name="Đề án KTTT huyện Tam Đường (thử)",
        area_code="106",
        start_year=year - 1,
        end_year=year + 1,
        baseline_year=year - 1,
    )
    other_task = Task.objects.create(
        plan=other_plan, code="III.3.a", title="Tập huấn", start_year=year - 1, end_year=year + 1
    )
    district, province = (
        budget.set_source(plan=plan, name="Ngân sách huyện", total=Decimal(500)),
        budget.set_source(plan=plan, name="Ngân sách tỉnh", total=Decimal(1500)),
    )
    return SimpleNamespace(
        u=units,
        year=year,
        plan=plan,
        task=task,
        solution=solution,
        district=district,
        province=province,
        nn=nn,
        kt=kt,
        xa=xa,
        ds=ds,
        act_nn=activity(task, nn, "Tập huấn kỹ năng quản trị HTX"),
        act_kt=activity(solution, kt, "Kết nối HTX với doanh nghiệp"),
        act_xa=activity(task, xa, "Tuyên truyền Luật HTX tại xã Phong Thổ"),
        act_ds=activity(task, ds, "Tuyên truyền Luật HTX tại xã Dào San"),
        other_plan=other_plan,
        act_other=activity(other_task, nn, "Tập huấn ở Tam Đường"),
        coop_xa=coop("0101", units.tt_phong_tho, units.xa_phong_tho, name="HTX Phúc Hưng"),
        coop_ds=coop("0202", units.mu_sang, units.dao_san_new, name="HTX Dào San"),
    )


@pytest.fixture(autouse=True)
def _plain_static(settings, tmp_path):
    settings.STORAGES = PLAIN_STORAGES
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def w(phong_tho):
    return build_world(phong_tho)


@pytest.fixture
def people(w):
    return SimpleNamespace(
        dept_nn=member(Role.DEPARTMENT, "109", w.nn),
        dept_kt=member(Role.DEPARTMENT, "109", w.kt),
        planning=member(Role.PLANNING, "109"),
        commune=member(Role.COMMUNE, "3549", w.xa),
        commune_ds=member(Role.COMMUNE, "3571", w.ds),
        viewer=member(Role.VIEWER, "109"),
        viewer_xa=member(Role.VIEWER, "3549"),
        admin=admin(),
    )


def edit_url(act):
    return reverse("execution:activity_edit", args=[act.pk])


def detail_url(act):
    return reverse("execution:activity_detail", args=[act.pk])


def download_url(evidence):
    return reverse("execution:evidence_download", args=[evidence.activity_id, evidence.pk])


def edit_post(act, **over):
    data = {
        "task": act.task_id,
        "unit": act.unit_id,
        "kind": act.kind,
        "title": act.title + " (sửa)",
        "start_date": act.start_date.strftime("%d/%m/%Y"),
        "end_date": act.end_date.strftime("%d/%m/%Y"),
        "place": "Hội trường",
        "status": act.status,
        "participants": "40",
        "participants_coop": "12",
        "cost": "15,5",
        "fund_source": "",
        "result": "",
    }
    return {**data, **over}


# --- who sees what -----------------------------------------------------------------------


def titles(user) -> set[str]:
    return set(access.activities_visible_to(user).values_list("title", flat=True))


def test_it_shows_a_district_user_every_activity_of_its_plan_and_nothing_of_another(w, people):
    mine = {w.act_nn.title, w.act_kt.title, w.act_xa.title, w.act_ds.title}
    for user in (people.dept_nn, people.planning, people.viewer):
        assert titles(user) == mine
    assert titles(people.admin) == mine | {w.act_other.title}


def test_it_shows_a_commune_user_only_its_communes_activities(w, people):
    assert titles(people.commune) == {w.act_xa.title}
    assert titles(people.viewer_xa) == {w.act_xa.title}
    assert titles(people.commune_ds) == {w.act_ds.title}


def test_it_answers_404_for_another_areas_activity(w, people):
    for user in (people.dept_nn, people.planning, people.viewer):
        client = client_for(user)
        assert client.get(detail_url(w.act_other)).status_code == 404
        assert client.get(edit_url(w.act_other)).status_code == 404
    officer = client_for(people.commune)
    for act in (w.act_ds, w.act_nn, w.act_kt):
        assert officer.get(detail_url(act)).status_code == 404
        assert officer.get(edit_url(act)).status_code == 404
    assert client_for(people.admin).get(detail_url(w.act_other)).status_code == 200


def test_it_answers_404_for_a_missing_activity_and_another_areas_plan(w, people):
    client = client_for(people.dept_nn)
    assert client.get(reverse("execution:activity_detail", args=[99999])).status_code == 404
    assert client.get(reverse("execution:task_list"), {"plan": w.other_plan.pk}).status_code == 404
    assert client.get(reverse("execution:task_list"), {"plan": "x"}).status_code == 404
    assert client.get(reverse("execution:budget"), {"plan": w.other_plan.pk}).status_code == 404
    other_task = w.act_other.task
    assert client.get(reverse("execution:task_detail", args=[other_task.pk])).status_code == 404


# --- who writes what ---------------------------------------------------------------------


def test_a_department_edits_its_own_activities_and_not_another_departments(w, people):
    client = client_for(people.dept_nn)
    assert client.get(edit_url(w.act_nn)).status_code == 200
    response = client.post(edit_url(w.act_nn), edit_post(w.act_nn))
    assert response.status_code == 302
    w.act_nn.refresh_from_db()
    assert w.act_nn.title.endswith("(sửa)")
    assert w.act_nn.cost == Decimal("15.5")
    assert client.get(edit_url(w.act_kt)).status_code == 403
    assert client.post(edit_url(w.act_kt), edit_post(w.act_kt)).status_code == 403
    assert client.get(edit_url(w.act_xa)).status_code == 403
    w.act_kt.refresh_from_db()
    assert not w.act_kt.title.endswith("(sửa)")


def test_a_department_cannot_hand_its_activity_to_another_unit(w, people):
    client = client_for(people.dept_nn)
    response = client.post(edit_url(w.act_nn), edit_post(w.act_nn, unit=w.kt.pk))
    assert response.status_code == 400
    assert "Bạn không được ghi hoạt động cho đơn vị này." in response.text
    w.act_nn.refresh_from_db()
    assert w.act_nn.unit == w.nn


def test_the_planning_office_and_admin_edit_every_activity_of_the_plan(w, people):
    for user in (people.planning, people.admin):
        client = client_for(user)
        for act in (w.act_nn, w.act_kt, w.act_xa, w.act_ds):
            assert client.get(edit_url(act)).status_code == 200
    assert client_for(people.planning).get(edit_url(w.act_other)).status_code == 404
    response = client_for(people.planning).post(edit_url(w.act_xa), edit_post(w.act_xa))
    assert response.status_code == 302


def test_a_commune_officer_edits_its_communes_activities_only(w, people):
    client = client_for(people.commune)
    assert client.get(edit_url(w.act_xa)).status_code == 200
    assert client.post(edit_url(w.act_xa), edit_post(w.act_xa)).status_code == 302
    assert client.get(edit_url(w.act_ds)).status_code == 404  # another commune: not seen
    # A commune unit recorded by its area (not the officer's own unit) is the officer's too.
    other_unit = ImplementingUnit.objects.create(
        name="Tổ công tác xã Phong Thổ", kind="commune", area_code="3549"
    )
    act = activity(w.task, other_unit, "Hỗ trợ tổ hợp tác")
    assert client.get(edit_url(act)).status_code == 200
    # And it cannot record work for a department.
    response = client.post(
        reverse("execution:activity_create") + f"?plan={w.plan.pk}",
        edit_post(w.act_xa, unit=w.nn.pk, title="Việc của phòng"),
    )
    assert response.status_code == 400
    assert not Activity.objects.filter(title="Việc của phòng").exists()


def test_a_viewer_of_the_same_commune_reads_but_never_writes(w, people):
    client = client_for(people.viewer_xa)
    assert client.get(detail_url(w.act_xa)).status_code == 200
    assert client.get(edit_url(w.act_xa)).status_code == 403


def viewer_writes(w):
    evidence = evidence_of(w.act_nn)
    plan = w.plan.pk
    entity = w.coop_xa.code
    link = activities.save_link(
        entity=w.coop_xa,
        values={"enterprise": "Công ty A", "product": "Chè", "contract_date": dt.date(2020, 1, 1)},
    )
    return [
        ("get", edit_url(w.act_nn)),
        ("post", edit_url(w.act_nn)),
        ("get", reverse("execution:activity_create")),
        ("post", reverse("execution:activity_create")),
        ("post", reverse("execution:evidence_upload", args=[w.act_nn.pk])),
        ("get", reverse("execution:evidence_delete", args=[w.act_nn.pk, evidence.pk])),
        ("post", reverse("execution:evidence_delete", args=[w.act_nn.pk, evidence.pk])),
        ("post", reverse("execution:budget_source", args=[plan])),
        ("post", reverse("execution:budget_line", args=[plan])),
        ("post", reverse("execution:budget_disburse", args=[plan])),
        ("get", reverse("plans:plan_copy", args=[plan])),
        ("post", reverse("plans:plan_copy", args=[plan])),
        ("get", reverse("execution:link_create", args=[entity])),
        ("post", reverse("execution:link_create", args=[entity])),
        ("get", reverse("execution:link_edit", args=[entity, link.pk])),
        ("post", reverse("execution:link_delete", args=[entity, link.pk])),
        ("post", reverse("execution:value_chain_derive", args=[entity])),
    ]


def test_a_viewer_gets_403_on_every_write(w, people):
    client = client_for(people.viewer)
    for method, url in viewer_writes(w):
        response = getattr(client, method)(url)
        assert response.status_code == 403, (method, url)
    assert Activity.objects.count() == 5
    assert w.act_nn.evidence.count() == 1


def test_a_department_may_not_write_the_budget(w, people):
    client = client_for(people.dept_nn)
    response = client.post(
        reverse("execution:budget_line", args=[w.plan.pk]),
        {
            "line-task": w.task.pk,
            "line-source": w.district.pk,
            "line-year": str(w.year),
            "line-requested": "10",
            "line-allocated": "10",
        },
    )
    assert response.status_code == 403
    page = client.get(reverse("execution:budget"))
    assert page.status_code == 200
    assert "Giao kinh phí (dự toán năm)" not in page.text
    planner_page = client_for(people.planning).get(reverse("execution:budget"))
    assert "Giao kinh phí (dự toán năm)" in planner_page.text


# --- evidence files ----------------------------------------------------------------------


def test_it_serves_evidence_only_to_those_who_see_the_activity(w, people):
    evidence = evidence_of(w.act_xa, "Biên bản tuyên truyền.pdf")
    other = evidence_of(w.act_other)
    response = client_for(people.viewer_xa).get(download_url(evidence))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert (
        "Bi%C3%AAn%20b%E1%BA%A3n%20tuy%C3%AAn%20truy%E1%BB%81n.pdf"
        in (response["Content-Disposition"])
    )
    assert b"".join(response.streaming_content) == PDF
    # Another commune's officer, and anyone reading another area's plan: as if missing.
    assert client_for(people.commune_ds).get(download_url(evidence)).status_code == 404
    assert client_for(people.dept_nn).get(download_url(other)).status_code == 404
    # The evidence of one activity is not reachable through another.
    wrong = reverse("execution:evidence_download", args=[w.act_nn.pk, evidence.pk])
    assert client_for(people.admin).get(wrong).status_code == 404


def test_it_stores_evidence_outside_the_static_files(w, people, settings):
    evidence = evidence_of(w.act_nn)
    path = evidence.file.path
    assert path.startswith(str(settings.MEDIA_ROOT))
    assert not path.startswith(str(settings.STATIC_ROOT))
    assert "bien-ban" not in path  # stored under a generated name


# --- links -------------------------------------------------------------------------------


def test_links_are_written_by_the_registry_writers_of_the_cooperative(w, people):
    data = {
        "enterprise": "Công ty CP Nông sản Tây Bắc",
        "product": "Gạo Séng Cù",
        "contract_date": "01/03/2021",
        "value": "350",
    }
    officer = client_for(people.commune)
    url = reverse("execution:link_create", args=[w.coop_xa.code])
    assert officer.post(url, data).status_code == 302
    assert w.coop_xa.enterprise_links.count() == 1
    other = reverse("execution:link_create", args=[w.coop_ds.code])
    assert officer.get(other).status_code == 404
    assert client_for(people.dept_nn).get(url).status_code == 403
    assert client_for(people.planning).post(url, data).status_code == 302


def test_anonymous_visitors_are_sent_to_the_login_page(w, client):
    evidence = evidence_of(w.act_nn)
    for url in (
        reverse("execution:task_list"),
        reverse("execution:task_detail", args=[w.task.pk]),
        detail_url(w.act_nn),
        download_url(evidence),
        reverse("execution:budget"),
        reverse("execution:link_list"),
        reverse("execution:my_work"),
    ):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login") + "?next=")
