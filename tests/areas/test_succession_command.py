import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from kttt.areas.models import Succession
from tests.factories import entity

pytestmark = pytest.mark.django_db


def test_it_records_and_applies_a_succession(phong_tho, capsys):
    coop = entity("TOWN", phong_tho.tt_phong_tho)
    call_command(
        "succession",
        "add",
        "--date",
        "01/07/2025",
        "--old",
        "3549,3490",
        "--new",
        "3549",
        "--source",
        "NQ 1670",
        "--apply",
    )
    out = capsys.readouterr().out
    assert "Đã chuyển địa bàn 1 HTX." in out
    s = Succession.objects.get(source="NQ 1670")
    assert {u.name for u in s.old_units.all()} == {"Thị trấn Phong Thổ", "Xã Huổi Luông"}
    assert coop.locations.latest("valid_from").unit.name == "Xã Phong Thổ"
    call_command("succession", "list")
    assert "CHƯA XÁC MINH" in capsys.readouterr().out


def test_it_reports_a_split_for_a_person_to_decide(phong_tho, capsys):
    entity("TOWN", phong_tho.tt_phong_tho)
    call_command(
        "succession",
        "add",
        "--date",
        "01/07/2025",
        "--old",
        "3549",
        "--new",
        "3549,3571",
        "--apply",
    )
    assert "1 HTX cần người quyết định địa bàn mới" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--date", "31/02/2025", "--old", "3549", "--new", "3549"], "không hợp lệ"),
        (["--date", "01/07/2025", "--old", "3549", "--new", "3550"], "3550"),
    ],
)
def test_it_refuses_bad_input_in_vietnamese_and_writes_nothing(phong_tho, args, message):
    before = Succession.objects.count()
    with pytest.raises(CommandError, match=message):
        call_command("succession", "add", *args)
    assert Succession.objects.count() == before
