import pytest
from django.core.management import call_command

from kttt.indicators.narrative import narrative
from tests.factories import entity, yearly

pytestmark = pytest.mark.django_db


def test_it_states_the_plans_section_ii_figures_for_the_demo(tmp_path, settings, capsys):
    settings.VAR_DIR = tmp_path
    call_command("load_demo", password="x-demo-x")
    capsys.readouterr()
    call_command("narrative", year=2021, area="109")
    text = capsys.readouterr().out
    for figure in (
        "có 27 hợp tác xã",
        "213 thành viên",
        "79 lao động",
        "63.090 triệu đồng",
        "19.682 triệu đồng",
        "46,5 triệu đồng/người/năm",
        "1.152 triệu đồng",
        "54 người",
        "15 người, chiếm 27,78%",
        "9/27 HTX",
        "10/27 HTX",
        "8/27 HTX",
        "18.590/63.090",
        "19.000/63.090",
        "25.500/63.090",
        "74/213",
        "78/213",
        "61/213",
    ):
        assert figure in text, figure
    assert "90" not in text.split("lao động")[0]  # the data's 79, not the typed "khoảng 90"


def test_it_says_when_nobody_has_reported_and_when_some_have_not(phong_tho):
    a = entity("A", phong_tho.tt_phong_tho)
    entity("B", phong_tho.mu_sang)
    assert narrative(2022, "109")[-1] == "Chưa có HTX nào báo cáo số liệu năm 2022."
    yearly(a, 2022, members=7, workers=2, income_avg="40.125")
    text = narrative(2022, "109")
    assert "Số liệu dưới đây tổng hợp từ 1/2 HTX đã báo cáo." in text
    assert any("40,13 triệu đồng/người/năm" in p for p in text)  # at most 2 decimals
