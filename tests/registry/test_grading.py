"""Grades under the rule in force (issue 8): the rule a yearly row's grade was given under,
set by every writer, the administrator's rules and their page."""

import datetime as dt

import pytest

from kttt.registry.grading import GradingRuleError, save_grading_rule
from kttt.registry.models import GradingRule, YearlyReport
from tests import factories
from tests.registry.test_import import run, standard, yearly
from tests.web import admin, client_for, commune_officer, coop

pytestmark = pytest.mark.django_db
D = dt.date
TT01 = "Thông tư 01/2020/TT-BKHĐT"
SUCCESSOR = {
    "name": "Thông tư 99/2025/TT-BTC (thử)",
    "valid_from": D(2025, 9, 18),
    "valid_to": None,
    "labels": {"tot": "Tốt", "kha": "Khá", "trung_binh": "Trung bình", "yeu": "Yếu"},
    "effective": ["tot"],
    "note": "",
}


def rule_of(code: str, year: int) -> str | None:
    report = YearlyReport.objects.select_related("grading_rule").get(entity__code=code, year=year)
    return report.grading_rule.name if report.grading_rule else None


@pytest.fixture
def graded(phong_tho):
    u = phong_tho
    a = coop("A", u.tt_phong_tho, u.xa_phong_tho)
    b = coop("B", u.tt_phong_tho, u.xa_phong_tho)
    factories.yearly(a, 2024, grade="tot")
    factories.yearly(a, 2025, grade="kha")
    factories.yearly(b, 2025, grade="yeu")
    factories.yearly(b, 2024, members=7)  # not graded
    return a, b


def test_the_migration_records_tt01_as_repealed_from_18_9_2025():
    rule = GradingRule.objects.get()
    assert (rule.name, rule.valid_from, rule.valid_to) == (TT01, D(2020, 4, 1), D(2025, 9, 17))
    assert rule.effective_labels == "Tốt, Khá"
    assert "78/2025/TT-BTC" in rule.note


def test_a_grade_is_given_under_the_rule_in_force_on_15_12_of_its_year(graded):
    assert rule_of("A", 2024) == TT01
    # 15/12/2025: no recorded rule in force; the last one that ended before is kept.
    assert rule_of("A", 2025) == TT01
    assert rule_of("B", 2024) is None  # no grade, no rule


def test_clearing_a_grade_clears_its_rule(graded):
    a, _b = graded
    factories.yearly(a, 2024, grade="")
    assert rule_of("A", 2024) is None


def test_recording_a_successor_re_attaches_the_years_it_governs(graded):
    rule, moved = save_grading_rule(values=SUCCESSOR)
    assert moved == 2  # A and B of 2025; the 2024 grade stays under TT01
    assert (rule_of("A", 2025), rule_of("B", 2025)) == (SUCCESSOR["name"],) * 2
    assert rule_of("A", 2024) == TT01
    # Moving its start past 15/12/2025 hands 2025 back to TT01.
    _rule, moved = save_grading_rule(values={**SUCCESSOR, "valid_from": D(2026, 1, 1)}, rule=rule)
    assert moved == 2
    assert rule_of("A", 2025) == TT01


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            {"valid_from": D(2026, 1, 1), "valid_to": D(2025, 12, 31)},
            "Ngày cuối cùng còn hiệu lực (31/12/2025) phải từ ngày có hiệu lực (01/01/2026) "
            "trở đi.",
        ),
        (
            {"valid_from": D(2025, 9, 1)},
            "Thời gian hiệu lực trùng với Thông tư 01/2020/TT-BKHĐT (01/04/2020 – 17/09/2025).",
        ),
        ({"effective": []}, "Chọn ít nhất một mức xếp loại được tính là hoạt động hiệu quả."),
        (
            {"labels": {**SUCCESSOR["labels"], "yeu": " "}},
            "Nhập tên của cả bốn mức xếp loại.",
        ),
    ],
)
def test_it_refuses_a_rule_that_cannot_hold_and_writes_nothing(graded, change, message):
    with pytest.raises(GradingRuleError) as refused:
        save_grading_rule(values={**SUCCESSOR, **change})
    assert str(refused.value) == message
    assert GradingRule.objects.count() == 1
    assert rule_of("A", 2025) == TT01


def test_the_import_gives_the_grades_their_rule(tmp_path, phong_tho):
    save_grading_rule(values=SUCCESSOR)
    path = standard(
        tmp_path,
        yearly_rows=[yearly(year=2024, grade="Khá"), yearly(year=2025, grade="Tốt")],
    )
    assert run(path)[0] == 0
    assert rule_of("HTX-01", 2024) == TT01
    assert rule_of("HTX-01", 2025) == SUCCESSOR["name"]


def test_the_yearly_form_gives_the_grade_its_rule(phong_tho):
    u = phong_tho
    mine = coop("MINE", u.tt_phong_tho, u.xa_phong_tho)
    response = client_for(commune_officer()).post(
        f"/htx/{mine.code}/so-lieu/them/", {"year": "2024", "grade": "kha"}
    )
    assert response.status_code == 302
    assert rule_of("MINE", 2024) == TT01


def test_an_administrator_lists_records_and_changes_rules(graded):
    client = client_for(admin())
    page = client.get("/quy-dinh-xep-loai/").text
    assert TT01 in page
    assert "01/04/2020 – 17/09/2025" in page
    form = {
        "name": "Thông tư 99/2025/TT-BTC (thử)",
        "valid_from": "18/09/2025",
        "valid_to": "",
        "label_tot": "Tốt",
        "label_kha": "Khá",
        "label_trung_binh": "Trung bình",
        "label_yeu": "Yếu",
        "effective": ["tot"],
        "note": "",
    }
    response = client.post("/quy-dinh-xep-loai/them/", form, follow=True)
    assert "Đã lưu quy định xếp loại. 2 dòng số liệu năm được gắn lại" in response.text
    assert rule_of("A", 2025) == form["name"]
    rule = GradingRule.objects.get(name=form["name"])
    edit = client.get(f"/quy-dinh-xep-loai/{rule.pk}/").text
    assert 'value="18/09/2025"' in edit
    refused = client.post(f"/quy-dinh-xep-loai/{rule.pk}/", {**form, "effective": []})
    assert refused.status_code == 400
    assert "Chọn ít nhất một mức xếp loại được tính là hoạt động hiệu quả." in refused.text
    assert GradingRule.objects.get(pk=rule.pk).effective == ["tot"]


def test_a_commune_officer_may_not_touch_the_rules(graded):
    client = client_for(commune_officer())
    rule = GradingRule.objects.get()
    assert client.get("/quy-dinh-xep-loai/").status_code == 403
    assert client.post("/quy-dinh-xep-loai/them/", {"name": "X"}).status_code == 403
    assert client.post(f"/quy-dinh-xep-loai/{rule.pk}/", {"name": "X"}).status_code == 403
    assert GradingRule.objects.get().name == TT01
