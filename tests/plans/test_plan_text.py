"""The plan's own text (issue 8, point 3): its approving decision, legal bases and sections
I, II.3 and III.1, edited on /de-an/<id>/van-ban/, shown on the plan page, read by the
reports through kttt.plans.text.plan_text, and copied with the plan.

Personas: a planning officer of Huyện Phong Thổ (109), who writes the district's plan; a
viewer of 109 and a commune officer of Xã Phong Thổ (03549), who read it and may not write.
"""

import datetime as dt
import importlib

import pytest
from django.core.management import call_command

from kttt.accounts.models import Role
from kttt.demo.seed import load_phong_tho_plan
from kttt.plans import services
from kttt.plans.models import Plan
from kttt.plans.text import plan_text
from tests.web import PLAIN_STORAGES, client_for, commune_officer, person, today

pytestmark = pytest.mark.django_db

PURPOSE = "Mục đích:\n\nThực hiện Nghị quyết của huyện.\n\nYêu cầu:\n- Sát thực tế;\n- Khả thi."


@pytest.fixture(autouse=True)
def _plain_static(settings):
    settings.STORAGES = PLAIN_STORAGES


@pytest.fixture
def plan(phong_tho):
    return load_phong_tho_plan()


@pytest.fixture
def planner(db):
    return client_for(person(Role.PLANNING, "109"))


def text_post(**over):
    data = {
        "decision_number": "123/QĐ-UBND",
        "decision_date": "05/03/2021",
        "decision_agency": "UBND huyện Phong Thổ",
        "legal_bases": "Luật Hợp tác xã số 17/2023/QH15;\r\n\r\n  Nghị định 30/2020/NĐ-CP;  ",
        "purpose": PURPOSE.replace("\n", "\r\n"),
        "assessment": "Các HTX hoạt động ổn định.\n\n* Những tồn tại, hạn chế\n\nQuy mô nhỏ.",
        "general_objective": "Đẩy mạnh củng cố kinh tế tập thể.",
    }
    return {**data, **over}


def test_the_planning_office_writes_the_text_and_everyone_who_reads_the_plan_sees_it(plan, planner):
    address = f"/de-an/{plan.pk}/van-ban/"
    assert planner.get(address).status_code == 200
    response = planner.post(address, text_post())
    assert response.status_code == 302
    plan.refresh_from_db()
    assert (plan.decision_number, plan.decision_date, plan.decision_agency) == (
        "123/QĐ-UBND",
        dt.date(2021, 3, 5),
        "UBND huyện Phong Thổ",
    )
    # What the reports read: one basis a line, paragraphs split on blank lines; a
    # paragraph's own lines ("- " items) stay together, one per line.
    assert plan_text(plan) == {
        "legal_bases": ["Luật Hợp tác xã số 17/2023/QH15;", "Nghị định 30/2020/NĐ-CP;"],
        "decision": "Quyết định số 123/QĐ-UBND ngày 05/3/2021 của UBND huyện Phong Thổ",
        "purpose": [
            "Mục đích:",
            "Thực hiện Nghị quyết của huyện.",
            "Yêu cầu:\n- Sát thực tế;\n- Khả thi.",
        ],
        "assessment": ["Các HTX hoạt động ổn định.", "* Những tồn tại, hạn chế", "Quy mô nhỏ."],
        "general_objective": ["Đẩy mạnh củng cố kinh tế tập thể."],
    }
    for reader in (planner, client_for(person(Role.VIEWER, "109")), client_for(commune_officer())):
        page = reader.get(f"/de-an/{plan.pk}/").text
        assert "Văn bản đề án" in page
        assert "Quyết định số 123/QĐ-UBND ngày 05/3/2021 của UBND huyện Phong Thổ" in page
        assert "<li>Nghị định 30/2020/NĐ-CP;</li>" in page
        assert "Yêu cầu:<br>- Sát thực tế;<br>- Khả thi." in page
        assert "III.1. Mục tiêu chung" in page


def test_the_plan_page_says_when_there_is_no_text(plan, planner):
    plan.purpose = plan.assessment = plan.general_objective = plan.legal_bases = ""
    plan.save()
    page = planner.get(f"/de-an/{plan.pk}/").text
    assert "Chưa nhập văn bản đề án (căn cứ, mục I, II.3, III.1)." in page


def test_a_commune_officer_and_a_viewer_may_not_write_the_text(plan):
    before = plan_text(plan)
    for user in (commune_officer(), person(Role.VIEWER, "109")):
        client = client_for(user)
        assert client.get(f"/de-an/{plan.pk}/van-ban/").status_code == 403
        assert client.post(f"/de-an/{plan.pk}/van-ban/", text_post()).status_code == 403
        # and the plan page offers them no edit button
        assert f"/de-an/{plan.pk}/van-ban/" not in client.get(f"/de-an/{plan.pk}/").text
    plan.refresh_from_db()
    assert plan_text(plan) == before


def test_a_planning_office_of_another_district_does_not_see_the_page(plan):
    client = client_for(person(Role.PLANNING, "106"))  # Huyện Tam Đường
    assert client.get(f"/de-an/{plan.pk}/van-ban/").status_code == 404


@pytest.mark.parametrize(
    ("over", "field", "message"),
    [
        ({"decision_number": "QĐ-UBND"}, "decision_number", "dạng số/ký hiệu, ví dụ 123/QĐ-UBND"),
        ({"decision_number": "123"}, "decision_number", "dạng số/ký hiệu"),
        ({"decision_number": "12/QĐ UBND"}, "decision_number", "dạng số/ký hiệu"),
        ({"decision_number": "1" * 51}, "decision_number", "Số quyết định"),
        ({"decision_date": "31/02/2021"}, "decision_date", "không tồn tại"),
        ({"decision_date": "ngày mai"}, "decision_date", "dd/mm/yyyy"),
        ({"decision_agency": "U" * 201}, "decision_agency", "200"),
        ({"purpose": "x" * 20_001}, "purpose", "Dài quá 20.000 ký tự (đang có 20.001)."),
        ({"legal_bases": "Căn cứ " + "x" * 600}, "legal_bases", "Mỗi căn cứ tối đa 500 ký tự"),
    ],
)
def test_it_refuses_a_bad_text_with_a_vietnamese_message(plan, planner, over, field, message):
    before = plan_text(plan)
    response = planner.post(f"/de-an/{plan.pk}/van-ban/", text_post(**over))
    assert response.status_code == 400
    errors = " ".join(response.context["form"].errors[field])
    if field == "decision_number" and len(over["decision_number"]) > 50:
        assert "50" in errors
    else:
        assert message in errors
    plan.refresh_from_db()
    assert plan_text(plan) == before


def test_it_refuses_a_decision_dated_in_the_future(plan, planner):
    tomorrow = today() + dt.timedelta(days=1)
    response = planner.post(
        f"/de-an/{plan.pk}/van-ban/",
        text_post(decision_date=tomorrow.strftime("%d/%m/%Y")),
    )
    assert response.status_code == 400
    assert (
        f"Ngày quyết định {tomorrow:%d/%m/%Y} chưa đến (hôm nay là {today():%d/%m/%Y})."
        in response.context["form"].errors["decision_date"]
    )
    plan.refresh_from_db()
    assert plan.decision_date is None


def test_what_is_known_of_the_decision_is_said_and_nothing_when_nothing_is(plan):
    plan.decision_agency = ""
    assert plan_text(plan)["decision"] == ""
    plan.decision_number = "45/2021/QĐ-UBND"
    assert plan_text(plan)["decision"] == "Quyết định số 45/2021/QĐ-UBND"
    plan.decision_date = dt.date(2021, 2, 5)
    assert plan_text(plan)["decision"] == "Quyết định số 45/2021/QĐ-UBND ngày 05/02/2021"
    # The old free text is the fallback while the three fields are blank.
    plan.decision_number, plan.decision_date, plan.decision = "", None, "QĐ 12 (bản cũ)"
    assert plan_text(plan)["decision"] == "QĐ 12 (bản cũ)"


def test_the_migration_reads_the_old_decision_text():
    migration = importlib.import_module("kttt.plans.migrations.0005_plan_text")
    read = migration.read_decision
    assert read("Quyết định số 123/QĐ-UBND ngày 05/3/2021 của UBND huyện Phong Thổ") == (
        "123/QĐ-UBND",
        dt.date(2021, 3, 5),
        "UBND huyện Phong Thổ",
    )
    assert read("QĐ số: 45/QĐ-UBND, ngày 12 tháng 02 năm 2021 của Ủy ban nhân dân huyện.") == (
        "45/QĐ-UBND",
        dt.date(2021, 2, 12),
        "Ủy ban nhân dân huyện",
    )
    assert read("Quyết định số 12/QĐ-UBND") == ("12/QĐ-UBND", None, "")
    assert read("ngày 31/02/2021") == ("", None, "")  # no such day: left blank


def test_the_demo_plan_has_the_seed_text(tmp_path, settings):
    settings.VAR_DIR = tmp_path
    call_command("load_demo", password="mat-khau-demo")
    text = plan_text(Plan.objects.get())
    assert text["purpose"][:2] == [
        "Mục đích:",
        "Để thực hiện hiệu quả các Nghị quyết của tỉnh, của Chính phủ và Nghị quyết Đại Đảng "
        "bộ huyện lần thứ XX, nhiệm kỳ 2020-2025 và Nghị quyết của HĐND huyện về phát triển "
        "kinh tế tập thể trong giai đoạn 2021-2025. Đảm bảo hoàn thành được Kế hoạch phát "
        "triển kinh tế - xã hội, đảm bảo Quốc phòng - an ninh giai đoạn 2021-2025.",
    ]
    assert text["purpose"][2] == "Yêu cầu:"
    assert len(text["purpose"]) == 5
    assert "* Những tồn tại, hạn chế" in text["assessment"]
    assert text["assessment"][0].startswith("Hoạt động của các Hợp tác xã, tổ hợp tác")
    assert len(text["general_objective"]) == 1
    assert text["general_objective"][0].startswith("Đẩy mạnh củng cố, nâng cao năng lực")
    # The seed gives no number or date: only the agency it names.
    assert text["decision"] == "Quyết định của UBND huyện Phong Thổ"
    assert len(text["legal_bases"]) == 4
    assert text["legal_bases"][0] == "Luật Hợp tác xã năm 2012;"


def test_a_copy_keeps_the_text_and_takes_its_own_decision(plan, planner):
    services.update_plan_text(plan=plan, values={**text_post(), "decision_date": None})
    plan.refresh_from_db()
    new = services.copy_plan(
        plan=plan,
        name="Kỳ sau",
        start_year=2026,
        end_year=2030,
        area_code="03549",
        decision={"decision_number": "7/QĐ-UBND", "decision_agency": "UBND xã Phong Thổ"},
    )
    old_text, new_text = plan_text(plan), plan_text(new)
    for key in ("legal_bases", "purpose", "assessment", "general_objective"):
        assert new_text[key] == old_text[key]
    assert new_text["decision"] == "Quyết định số 7/QĐ-UBND của UBND xã Phong Thổ"
