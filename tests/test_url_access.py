"""The role matrix: every URL pattern of the project, asked by every role of docs/roles.md,
inside and outside its territory (issue 7, point 5). A URL pattern added without a row here
fails `test_every_url_pattern_has_a_row`.

The world: cooperative OWN founded in 2015 in Thị trấn Phong Thổ and moved into Xã Phong
Thổ on 01/7/2025 (its yearly row of 2021, an OCOP product, an enterprise link); the plan of
Huyện Phong Thổ (109) running from last year to next year with a target, a task and an
activity of UBND xã Phong Thổ with an evidence file.

Personas, in the order of every row:
  anon       not logged in
  admin      administrator
  planning   planning office of 109
  dept       Phòng Nông nghiệp of 109 (its own implementing unit)
  commune    commune officer of Xã Phong Thổ (03549), the activity's unit
  other      commune officer of Xã Bản Bo (03424, once Huyện Tam Đường): another territory
  coop       representative of OWN
  viewer     viewer of 109
  district   planning office of Huyện Tam Đường (106): another district's people, who
             answer like `other` but where their role differs (`OTHER_DISTRICT`)

What a cell means: a status code; "ok" = the view ran past the access check (200, a
redirect after a write, a 400 for the empty form posted); "login" = sent to the log-in page.
"""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, URLResolver, get_resolver

from kttt.accounts.models import Membership, Role
from kttt.accounts.tokens import create_token
from kttt.areas.models import Succession
from kttt.documents.models import Issuer, Report
from kttt.plans import activities, budget
from kttt.plans.models import ImplementingUnit, Plan, Target, Task
from kttt.plans.units import end_unit
from kttt.registry import services
from kttt.registry.models import GradingRule
from tests import factories
from tests.web import PLAIN_STORAGES, client_for, coop, person, today

pytestmark = pytest.mark.django_db

PERSONAS = ("anon", "admin", "planning", "dept", "commune", "other", "coop", "viewer")
# What Tam Đường's planning office gets where it differs from the Bản Bo commune officer:
# it may enter plans (for its own area: the form refuses another).
OTHER_DISTRICT = {
    "plans:plan_create": "ok",
    # It approves the figures of its own territory: its queue and its reporting status.
    "registry:review_list": "ok",
    "registry:reporting_status": "404",  # 03549 is not in Tam Đường's territory
}
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"

# url name: (method, address template, expected per persona in PERSONAS order)
READ_ALL = "login ok ok ok ok ok ok ok"
OWN_READ = "login ok ok ok ok 404 ok ok"  # what lies in Xã Phong Thổ
OWN_REGISTRY = "login ok ok 403 ok 404 403 403"  # the entity itself, its status, location
OWN_FIGURES = "login ok ok 403 ok 404 ok 403"  # yearly data, OCOP: the representative too
REGISTRY_WRITERS = "login ok ok 403 ok ok 403 403"  # anywhere in one's own territory
PLAN_READ = "login ok ok ok ok 404 404 ok"  # the district plan: open inside the district
PLAN_WRITE = "login ok ok 403 403 404 404 403"
AREA_READ = "login ok ok ok ok 404 404 ok"  # figures of 03549: not for Bản Bo, no area
ADMIN_ONLY = "login ok 403 403 403 403 403 403"
# OWN's 2021 row is approved: changed only by those who approve (docs/approval.md).
LOCKED = "login ok ok 403 403 404 403 403"
APPROVERS = "login ok ok 403 403 403 403 403"

MATRIX: dict[str, tuple[str, str, str]] = {
    # log-in and the Django admin site (its many patterns are Django's own, one row here)
    "login": ("get", "/dang-nhap/", "200 302 302 302 302 302 302 302"),
    "logout": ("get", "/dang-xuat/", "405 405 405 405 405 405 405 405"),
    "admin": ("get", "/admin/", "302 200 302 302 302 302 302 302"),
    # one's own password, and the one-time link (an unknown one says it cannot be used)
    "password_change": ("get", "/tai-khoan/mat-khau/", READ_ALL),
    # one's own API tokens; TOKEN is ACCOUNT's, so everyone else's revoke finds nothing
    "api_tokens": ("get", "/tai-khoan/khoa-api/", READ_ALL),
    "api_token_revoke": (
        "get",
        "/tai-khoan/khoa-api/{token}/thu-hoi/",
        "login 404 404 404 404 404 404 404",
    ),
    "password_reset_confirm": (
        "get",
        "/tai-khoan/dat-mat-khau/MQ/khong-hop-le/",
        "200 200 200 200 200 200 200 200",
    ),
    # the accounts: administrators (another account, ACCOUNT, is the one changed)
    "users:user_list": ("get", "/tai-khoan/", ADMIN_ONLY),
    "users:user_create": ("get", "/tai-khoan/them/", ADMIN_ONLY),
    "users:user_detail": ("get", "/tai-khoan/{account}/", ADMIN_ONLY),
    "users:role_add": ("post", "/tai-khoan/{account}/vai-tro/", ADMIN_ONLY),
    "users:role_remove": (
        "post",
        "/tai-khoan/{account}/vai-tro/{membership}/bo/",
        ADMIN_ONLY,
    ),
    "users:user_active": ("post", "/tai-khoan/{account}/khoa-mo/", ADMIN_ONLY),
    "users:user_reset": ("post", "/tai-khoan/{account}/duong-dan-mat-khau/", ADMIN_ONLY),
    "users:token_create": ("post", "/tai-khoan/{account}/khoa-api/", ADMIN_ONLY),
    "users:token_revoke": ("get", "/tai-khoan/{account}/khoa-api/{token}/thu-hoi/", ADMIN_ONLY),
    # registry
    # the home page of an area (AREA_READ, but the representative is sent to its
    # cooperative's page: a redirect, "ok"); tests/overview/test_home.py asks "/" itself
    "overview:home": ("get", "/?area=03549&year=2021", "login ok ok ok ok 404 ok ok"),
    "registry:entity_list": ("get", "/htx/", READ_ALL),
    "registry:products": ("get", "/gioi-thieu-san-pham/", "200 200 200 200 200 200 200 200"),
    "registry:entity_export": ("get", "/htx.xlsx", READ_ALL),
    "registry:entity_create": ("get", "/them-htx/", REGISTRY_WRITERS),
    "registry:commune_options": ("get", "/xa-theo-ngay/?date=15/03/2018", READ_ALL),
    # the grading rules (reference data): administrators
    "registry:grading_rule_list": ("get", "/quy-dinh-xep-loai/", ADMIN_ONLY),
    "registry:grading_rule_create": ("get", "/quy-dinh-xep-loai/them/", ADMIN_ONLY),
    "registry:grading_rule_edit": ("get", "/quy-dinh-xep-loai/{grading_rule}/", ADMIN_ONLY),
    "registry:import": ("get", "/nhap-excel/", REGISTRY_WRITERS),
    "registry:import_template": ("get", "/nhap-excel/mau/", READ_ALL),
    # Confirming without a checked file: 403 for a role that may not import, else 404 (no
    # such upload).
    "registry:import_confirm": (
        "post",
        "/nhap-excel/xac-nhan/",
        "login 404 404 403 404 404 403 403",
    ),
    "registry:entity_detail": ("get", "/htx/OWN/", OWN_READ),
    "registry:entity_edit": ("get", "/htx/OWN/sua/", OWN_REGISTRY),
    "registry:entity_status": ("get", "/htx/OWN/trang-thai/", OWN_REGISTRY),
    "registry:entity_move": ("get", "/htx/OWN/dia-ban/", OWN_REGISTRY),
    "registry:yearly_create": ("get", "/htx/OWN/so-lieu/them/", OWN_FIGURES),
    "registry:yearly_edit": ("get", "/htx/OWN/so-lieu/2021/", LOCKED),
    "registry:yearly_delete": ("get", "/htx/OWN/so-lieu/2021/xoa/", LOCKED),
    "registry:yearly_submit": ("post", "/htx/OWN/so-lieu/2021/gui/", LOCKED),
    # the approval of yearly figures: the representative's page, the planning office's
    # queue, one row's review and the reporting status of an area
    "registry:my_cooperative": ("get", "/htx-cua-toi/", "login 404 404 404 404 404 ok 404"),
    "registry:review_list": ("get", "/duyet-so-lieu/", APPROVERS),
    "registry:review_detail": (
        "get",
        "/duyet-so-lieu/OWN/2021/",
        "login ok ok 403 403 404 403 403",
    ),
    "registry:reporting_status": (
        "get",
        "/duyet-so-lieu/tinh-hinh/?year=2021&area=03549",
        APPROVERS,
    ),
    "registry:ocop_create": ("get", "/htx/OWN/ocop/them/", OWN_FIGURES),
    "registry:ocop_edit": ("get", "/htx/OWN/ocop/{ocop}/", OWN_FIGURES),
    "registry:ocop_delete": ("get", "/htx/OWN/ocop/{ocop}/xoa/", OWN_FIGURES),
    # units and successions
    "areas:unit_list": ("get", "/areas/", READ_ALL),
    "areas:succession_list": ("get", "/areas/successions/", ADMIN_ONLY),
    "areas:succession_create": ("get", "/areas/successions/them/", ADMIN_ONLY),
    "areas:succession_apply": ("post", "/areas/successions/{succession}/ap-dung/", ADMIN_ONLY),
    # indicators of Xã Phong Thổ's territory in 2021 (Thị trấn Phong Thổ then)
    "indicators:index": ("get", "/chi-tieu/?year=2021&area=03549", AREA_READ),
    "indicators:checks": ("get", "/chi-tieu/kiem-tra/?year=2021&area=03549", AREA_READ),
    "indicators:narrative": ("get", "/chi-tieu/hien-trang/?year=2021&area=03549", AREA_READ),
    "indicators:detail": ("get", "/chi-tieu/members/?year=2021&area=03549", AREA_READ),
    "api:indicators": ("get", "/api/v1/indicators?year=2021&area=03549", "401" + AREA_READ[5:]),
    "api:indicator_series": (
        "get",
        "/api/v1/indicators/series?from=2021&to=2022&area=03549",
        "401" + AREA_READ[5:],
    ),
    # the targets' status are the district's figures: a commune officer opens the plan but
    # does not read them
    "api:targets": ("get", "/api/v1/targets?year={year}", "401 ok ok ok 403 404 404 ok"),
    # plans and their execution in the API, as their pages (/de-an/, /thuc-hien/); the
    # list answers every logged-in user (an empty list for who opens no plan)
    "api:plan_list": ("get", "/api/v1/plans", "401 ok ok ok ok ok ok ok"),
    "api:plan_detail": ("get", "/api/v1/plans/{plan}", "401" + PLAN_READ[5:]),
    "api:budget_summary": ("get", "/api/v1/plans/{plan}/budget", "401" + PLAN_READ[5:]),
    "api:activity_list": ("get", "/api/v1/plans/{plan}/activities", "401" + PLAN_READ[5:]),
    "api:activity_detail": ("get", "/api/v1/activities/{activity}", "401" + PLAN_READ[5:]),
    # the register of reports, as /bao-cao/: 404 for who reads no area's figures
    "api:report_list": ("get", "/api/v1/reports", "401 ok ok ok ok ok 404 ok"),
    # the same file as the page's download, with 401 for who is not logged in
    "api:report_file": ("get", "/api/v1/reports/{report}/files/xlsx", "401" + AREA_READ[5:]),
    # the registry: the list of what one sees; a cooperative of Xã Phong Thổ read like its
    # page; a year's figures written (an empty body: every figure unknown) and sent like the
    # form's, OWN's approved 2021 row locked for all but those who approve (an approver's
    # submit is refused, 400: "ok")
    "api:cooperative_list": ("get", "/api/v1/cooperatives", "401" + READ_ALL[5:]),
    "api:cooperative_detail": ("get", "/api/v1/cooperatives/OWN", "401" + OWN_READ[5:]),
    "api:yearly_list": ("get", "/api/v1/cooperatives/OWN/yearly", "401" + OWN_READ[5:]),
    "api:yearly_detail": ("get", "/api/v1/cooperatives/OWN/yearly/2021", "401" + OWN_READ[5:]),
    "api:yearly_write": ("put", "/api/v1/cooperatives/OWN/yearly/2021", "401" + LOCKED[5:]),
    "api:yearly_submit": (
        "post",
        "/api/v1/cooperatives/OWN/yearly/2021/submit",
        "401" + LOCKED[5:],
    ),
    "api:ocop_list": ("get", "/api/v1/cooperatives/OWN/ocop", "401" + OWN_READ[5:]),
    # the API's own description and its page: public (no data in them); no root resource
    "api:openapi-json": ("get", "/api/v1/openapi.json", "200 200 200 200 200 200 200 200"),
    "api:openapi-view": ("get", "/api/v1/docs/", "200 200 200 200 200 200 200 200"),
    "api:api-root": ("get", "/api/v1/", "404 404 404 404 404 404 404 404"),
    # plans and targets
    "plans:plan_list": ("get", "/de-an/", READ_ALL),
    "plans:plan_create": ("get", "/de-an/them/", "login ok ok 403 403 403 403 403"),
    "plans:plan_detail": ("get", "/de-an/{plan}/", PLAN_READ),
    "plans:plan_edit": ("get", "/de-an/{plan}/sua/", PLAN_WRITE),
    "plans:plan_text_edit": ("get", "/de-an/{plan}/van-ban/", PLAN_WRITE),
    # the period's results are the district's figures: opened, not read, by a commune
    "plans:plan_final": ("get", "/de-an/{plan}/tong-ket/", "login ok ok ok 403 404 404 ok"),
    "plans:plan_copy": ("get", "/de-an/{plan}/sao-chep/", PLAN_WRITE),
    "plans:target_create": ("get", "/de-an/{plan}/muc-tieu/them/", PLAN_WRITE),
    "plans:target_edit": ("get", "/de-an/{plan}/muc-tieu/{target}/", PLAN_WRITE),
    "plans:target_delete": ("get", "/de-an/{plan}/muc-tieu/{target}/xoa/", PLAN_WRITE),
    # plan execution
    "execution:task_list": ("get", "/thuc-hien/?plan={plan}", PLAN_READ),
    "execution:task_detail": ("get", "/thuc-hien/nhiem-vu/{task}/", PLAN_READ),
    "execution:plan_copy": ("get", "/thuc-hien/de-an/{plan}/tao-moi/", "301 " * 7 + "301"),
    "execution:activity_create": (
        "get",
        "/thuc-hien/hoat-dong/them/?plan={plan}",
        "login ok ok ok ok 403 403 403",
    ),
    "execution:activity_detail": ("get", "/thuc-hien/hoat-dong/{activity}/", PLAN_READ),
    "execution:activity_edit": (
        "get",
        "/thuc-hien/hoat-dong/{activity}/sua/",
        "login ok ok 403 ok 404 404 403",
    ),
    "execution:evidence_upload": (
        "post",
        "/thuc-hien/hoat-dong/{activity}/minh-chung/",
        "login ok ok 403 ok 404 404 403",
    ),
    "execution:evidence_download": (
        "get",
        "/thuc-hien/hoat-dong/{activity}/minh-chung/{evidence}/",
        PLAN_READ,
    ),
    "execution:evidence_delete": (
        "get",
        "/thuc-hien/hoat-dong/{activity}/minh-chung/{evidence}/xoa/",
        "login ok ok 403 ok 404 404 403",
    ),
    "execution:budget": ("get", "/thuc-hien/kinh-phi/?plan={plan}", PLAN_READ),
    "execution:budget_source": ("post", "/thuc-hien/kinh-phi/{plan}/nguon/", PLAN_WRITE),
    "execution:budget_line": ("post", "/thuc-hien/kinh-phi/{plan}/du-toan/", PLAN_WRITE),
    "execution:budget_disburse": ("post", "/thuc-hien/kinh-phi/{plan}/giai-ngan/", PLAN_WRITE),
    "execution:budget_reverse": (
        "get",
        "/thuc-hien/kinh-phi/{plan}/chi/{payment}/huy/",
        PLAN_WRITE,
    ),
    "execution:link_list": ("get", "/thuc-hien/lien-ket/", READ_ALL),
    "execution:entity_links": ("get", "/thuc-hien/lien-ket/htx/OWN/", OWN_READ),
    "execution:link_create": ("get", "/thuc-hien/lien-ket/htx/OWN/them/", OWN_REGISTRY),
    "execution:link_edit": ("get", "/thuc-hien/lien-ket/htx/OWN/{link}/", OWN_REGISTRY),
    "execution:link_delete": ("get", "/thuc-hien/lien-ket/htx/OWN/{link}/xoa/", OWN_REGISTRY),
    "execution:value_chain_derive": (
        "post",
        "/thuc-hien/lien-ket/htx/OWN/chuoi-gia-tri/",
        OWN_REGISTRY,
    ),
    "execution:my_work": ("get", "/thuc-hien/viec-cua-toi/", READ_ALL),
    "execution:unit_list": ("get", "/thuc-hien/don-vi/", READ_ALL),
    "execution:unit_end": ("get", "/thuc-hien/don-vi/{unit}/ket-thuc/", ADMIN_ONLY),
    # reports (the Reports page): the register lists what one reads; a report of Xã Phong
    # Thổ in 2021 is read like its figures; the form opens for whoever reads figures (the
    # preview; entering in the register is refused to who may not: tests/documents)
    "documents:report_list": ("get", "/bao-cao/", "login ok ok ok ok ok 404 ok"),
    "documents:report_create": ("get", "/bao-cao/lap/?year=2021&area=03549", AREA_READ),
    "documents:report_detail": ("get", "/bao-cao/{report}/", AREA_READ),
    "documents:report_download": ("get", "/bao-cao/{report}/tai-ve/xlsx/", AREA_READ),
    "documents:issuer_list": ("get", "/bao-cao/co-quan/", ADMIN_ONLY),
    "documents:issuer_create": ("get", "/bao-cao/co-quan/them/", ADMIN_ONLY),
    "documents:issuer_edit": ("get", "/bao-cao/co-quan/{issuer}/", ADMIN_ONLY),
    "execution:transfer_undo": (
        "post",
        "/thuc-hien/don-vi/chuyen-giao/{transfer}/hoan-tac/",
        ADMIN_ONLY,
    ),
}


def url_names(patterns=None, namespace: str = "") -> set[str]:
    """Every named URL pattern of the project; the admin site counts as one ("admin")."""
    names = set()
    for p in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(p, URLResolver):
            if p.app_name == "admin":
                names.add("admin")
                continue
            inner = f"{namespace}{p.namespace}:" if p.namespace else namespace
            names |= url_names(p.url_patterns, inner)
        elif isinstance(p, URLPattern):
            assert p.name, f"unnamed URL pattern {p.pattern}"
            names.add(f"{namespace}{p.name}")
    return names


def test_every_url_pattern_has_a_row():
    names = url_names()
    assert len(names) > 50  # the walk reached every app
    assert names - set(MATRIX) == set(), "URL patterns missing from the role matrix"
    assert set(MATRIX) - names == set(), "rows for URL patterns that no longer exist"


@pytest.fixture
def world(phong_tho, settings, tmp_path):
    settings.STORAGES = PLAIN_STORAGES
    settings.MEDIA_ROOT = tmp_path / "media"
    u = phong_tho
    year = today().year
    own = coop("OWN", u.tt_phong_tho, u.xa_phong_tho, name="HTX Phúc Hưng")
    factories.yearly(own, 2021, members=12, workers=4)
    product = services.save_ocop(
        entity=own,
        name="Chè Shan tuyết",
        values={"stars": 3, "recognized_on": dt.date(2021, 5, 1), "level": "tinh"},
    )
    link = activities.save_link(
        entity=own,
        values={"enterprise": "Công ty A", "product": "Chè", "contract_date": dt.date(2020, 1, 1)},
    )
    plan = Plan.objects.create(
        name="Đề án KTTT huyện Phong Thổ (thử)",
        area_code="109",
        start_year=year - 1,
        end_year=year + 1,
        baseline_year=year - 1,
    )
    target = Target.objects.create(
        plan=plan,
        code="a_new_coops",
        description="Hằng năm thành lập mới từ 1-2 HTX trở lên",
        indicator="coops_new",
        comparison="gte",
        value=1,
        schedule="every_year",
    )
    nn = ImplementingUnit.objects.create(name="Phòng Nông nghiệp và PTNT", kind="department")
    xa = ImplementingUnit.objects.create(
        name="UBND xã Phong Thổ", kind="commune", area_code="03549"
    )
    task = Task.objects.create(
        plan=plan,
        code="III.3.a",
        title="Tập huấn",
        responsible=nn,
        start_year=year - 1,
        end_year=year + 1,
    )
    act = activities.save_activity(
        values={
            "task": task,
            "unit": xa,
            "kind": "training",
            "title": "Tuyên truyền Luật HTX tại xã Phong Thổ",
            "start_date": today() - dt.timedelta(days=10),
            "end_date": today() + dt.timedelta(days=10),
            "status": "in_progress",
        }
    )
    line = budget.set_line(
        task=task,
        source=budget.set_source(plan=plan, name="Ngân sách huyện", total=Decimal(500)),
        year=year,
        requested=Decimal(100),
        allocated=Decimal(100),
    )
    payment = budget.disburse(
        line=line, date=dt.date(year, 1, 1), amount=Decimal(10), document="01/CT"
    )
    evidence = activities.add_evidence(
        activity=act, upload=SimpleUploadedFile("bb.pdf", PDF, content_type="application/pdf")
    )
    administrator = person(Role.ADMIN)
    administrator.is_staff = administrator.is_superuser = True  # as `kttt createuser` makes it
    administrator.save(update_fields=["is_staff", "is_superuser"])
    old_office = ImplementingUnit.objects.create(name="Phòng Tư pháp", kind="department")
    transfer = end_unit(
        unit=old_office,
        date=dt.date(2025, 6, 30),
        successors=[ImplementingUnit.objects.create(name="Sở Tư pháp", kind="department")],
    )
    people = {
        "admin": administrator,
        "planning": person(Role.PLANNING, "109"),
        "dept": person(Role.DEPARTMENT, "109"),
        "commune": person(Role.COMMUNE, "03549"),
        "other": person(Role.COMMUNE, "03424"),
        "coop": factories.user_with_role(Role.COOPERATIVE, cooperative=own),
        "viewer": person(Role.VIEWER, "109"),
        "district": person(Role.PLANNING, "106"),
    }
    Membership.objects.filter(user=people["dept"]).update(implementing_unit=nn)
    Membership.objects.filter(user=people["commune"]).update(implementing_unit=xa)
    report = Report.objects.create(
        kind="annual",
        year=2021,
        area_code="03549",
        issued_on=dt.date(2022, 1, 10),
        number="01",
        header={"agency": "ỦY BAN NHÂN DÂN XÃ PHONG THỔ", "symbol": "BC-UBND"},
        fingerprint="-",
    )
    issuer = Issuer.objects.create(
        area_code="109", agency="UBND HUYỆN PHONG THỔ", place="Phong Thổ"
    )
    account = person(Role.VIEWER, "03549")
    token, _key = create_token(user=account, name="Bảng tính", actor=administrator)
    keys = {
        "token": token.pk,
        "account": account.pk,
        "membership": account.memberships.get().pk,
        "report": report.pk,
        "issuer": issuer.pk,
        "plan": plan.pk,
        "target": target.pk,
        "task": task.pk,
        "activity": act.pk,
        "evidence": evidence.pk,
        "link": link.pk,
        "ocop": product.pk,
        "succession": Succession.objects.first().pk,
        "grading_rule": GradingRule.objects.first().pk,
        "unit": nn.pk,
        "transfer": transfer.pk,
        "payment": payment.pk,
        "year": year,
    }
    return people, keys


def answer(status: int, location: str) -> str:
    if status == 302 and location.startswith("/dang-nhap/"):
        return "login"
    if status in (200, 400) or (status in (301, 302) and not location.startswith("/dang-nhap/")):
        return "ok"
    return str(status)


@pytest.mark.parametrize("name", sorted(MATRIX))
def test_each_role_gets_what_docs_roles_md_says(world, name):
    people, keys = world
    method, template, expected = MATRIX[name]
    address = template.format(**keys)
    cells = expected.split()
    cells.append(OTHER_DISTRICT.get(name, cells[PERSONAS.index("other")]))
    # An API write parses its JSON body before the view asks who may write: an empty
    # object (every field left to its default) lets the access decide.
    body = {"data": "{}", "content_type": "application/json"}
    extra = body if address.startswith("/api/") and method != "get" else {}
    got = []
    for persona, wanted in zip((*PERSONAS, "district"), cells, strict=True):
        client = client_for(people[persona]) if persona != "anon" else client_for_anonymous()
        response = getattr(client, method)(address, **extra)
        location = response.get("Location", "")
        exact = str(response.status_code)
        got.append(exact if wanted.isdigit() else answer(response.status_code, location))
    assert got == cells, f"{name} {address} ({' '.join(PERSONAS)} district)"


def client_for_anonymous():
    from django.test import Client

    return Client()
