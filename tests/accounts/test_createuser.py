"""`kttt createuser`: an account with a role in an area, validated, errors in Vietnamese."""

import io
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command

from kttt.accounts.models import Membership, Role
from tests.factories import entity

pytestmark = pytest.mark.django_db
PASSWORD = "mat-khau-du-dai-2025"


def createuser(*args: str) -> str:
    out = io.StringIO()
    call_command("createuser", *args, stdout=out)
    return out.getvalue()


def test_it_creates_a_user_with_a_role_in_an_area(phong_tho):
    out = createuser("tonghop", "--role", "planning", "--area", "109", "--password", PASSWORD)

    assert out == "Đã tạo tài khoản “tonghop”, vai trò Cán bộ tổng hợp, địa bàn 109.\n"
    user = User.objects.get(username="tonghop")
    assert user.check_password(PASSWORD)
    assert not user.is_superuser
    membership = Membership.objects.get(user=user)
    assert (membership.role, membership.area_code, membership.cooperative) == (
        "planning",
        "109",
        None,
    )


def test_it_stores_the_canonical_commune_code(phong_tho):
    createuser("canboxa", "--role", "commune", "--area", "3549", "--password", PASSWORD)

    assert Membership.objects.get(user__username="canboxa").area_code == phong_tho.tt_phong_tho.code


def test_it_reads_the_password_from_an_environment_variable(phong_tho, monkeypatch):
    monkeypatch.setenv("KTTT_NEW_PASSWORD", PASSWORD)

    createuser("xem", "--role", "viewer", "--area", "12", "--password-env", "KTTT_NEW_PASSWORD")

    assert User.objects.get(username="xem").check_password(PASSWORD)


def test_it_makes_the_admin_a_superuser_without_an_area(db):
    createuser("quantri", "--role", "admin", "--password", PASSWORD)

    user = User.objects.get(username="quantri")
    assert user.is_superuser
    assert user.is_staff
    assert Membership.objects.get(user=user).area_code == ""


def test_it_ties_a_cooperative_representative_to_the_cooperative(phong_tho):
    coop = entity("6200000001", phong_tho.tt_phong_tho)

    createuser(
        "daidien", "--role", "cooperative", "--cooperative", "6200000001", "--password", PASSWORD
    )

    membership = Membership.objects.get(user__username="daidien")
    assert (membership.role, membership.cooperative, membership.area_code) == (
        Role.COOPERATIVE,
        coop,
        "",
    )


def test_it_adds_a_role_to_an_existing_user_and_keeps_the_password(phong_tho):
    createuser("canbo", "--role", "commune", "--area", "3549", "--password", PASSWORD)

    createuser("canbo", "--role", "commune", "--area", "3577")
    again = createuser("canbo", "--role", "commune", "--area", "3577")  # twice: nothing more

    assert "đã có từ trước" in again
    user = User.objects.get(username="canbo")
    assert user.check_password(PASSWORD)
    assert sorted(m.area_code for m in user.memberships.all()) == ["03549", "03577"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--role", "boss", "--area", "109"], "Vai trò “boss” không hợp lệ"),
        (["--role", "planning"], "cần mã địa bàn"),
        (["--role", "planning", "--area", "99999"], "Không có đơn vị hành chính mã 99999"),
        (["--role", "planning", "--area", "abc"], "không hợp lệ"),
        (["--role", "admin", "--area", "109"], "không dùng mã địa bàn"),
        (["--role", "cooperative"], "cần mã số HTX"),
        (["--role", "cooperative", "--cooperative", "KHONGCO"], "Không có HTX mã số “KHONGCO”"),
        (
            ["--role", "viewer", "--area", "109", "--cooperative", "X"],
            "chỉ dùng với vai trò Đại diện HTX",
        ),
        (["--role", "viewer", "--area", "109", "--password", "123"], "Mật khẩu chưa đạt"),
        (
            ["--role", "viewer", "--area", "109", "--password-env", "KTTT_UNSET_VAR"],
            "KTTT_UNSET_VAR",
        ),
        (["--role", "viewer", "--area", "109"], "Cần mật khẩu"),  # no terminal to ask on
    ],
)
def test_it_refuses_wrong_input_in_vietnamese_and_creates_nothing(phong_tho, args, message):
    with pytest.raises(CommandError, match=message):
        createuser("nguoimoi", *args)

    assert not User.objects.filter(username="nguoimoi").exists()


def test_it_exits_non_zero_without_a_traceback():
    kttt = shutil.which("kttt", path=str(Path(sys.executable).parent))
    assert kttt is not None

    result = subprocess.run(
        [kttt, "createuser", "nguoimoi", "--role", "boss", "--area", "109"],
        capture_output=True, text=True, check=False, stdin=subprocess.DEVNULL,
    )  # fmt: skip

    assert result.returncode == 1
    assert "Vai trò “boss” không hợp lệ" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.django_db
def test_it_links_a_department_role_to_its_implementing_unit(phong_tho):
    from kttt.accounts.models import Membership
    from kttt.plans.models import ImplementingUnit

    unit = ImplementingUnit.objects.create(
        name="Phòng Nông nghiệp và PTNT", short_name="NN&PTNT", kind="department"
    )
    call_command(
        "createuser",
        "nn",
        "--role",
        "department",
        "--area",
        "109",
        "--department",
        "nn&ptnt",
        "--password",
        "Mat-khau-dai-2026",
    )
    assert Membership.objects.get(user__username="nn").implementing_unit == unit
    with pytest.raises(CommandError, match="Không có đơn vị thực hiện “Phòng Y tế”"):
        call_command(
            "createuser",
            "yt",
            "--role",
            "department",
            "--area",
            "109",
            "--department",
            "Phòng Y tế",
            "--password",
            "Mat-khau-dai-2026",
        )
