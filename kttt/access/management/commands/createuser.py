"""`kttt createuser USERNAME --role ROLE --area CODE`: an account with a role in an area.

Run again for an existing user, it adds the role (a user may hold several) and changes the
password only when one is given. Errors are Vietnamese, exit 1, without a traceback.
"""

import getpass
import os
import sys
from typing import Any

from django.contrib.auth import get_user_model, password_validation
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kttt.accounts.models import Membership, Role
from kttt.areas.services import AreaError, resolve_area
from kttt.registry.models import Entity


def role_list() -> str:
    return ", ".join(f"{role.value} ({role.label})" for role in Role)


class Command(BaseCommand):
    help = (
        "Tạo tài khoản với một vai trò trên một địa bàn (hoặc thêm vai trò cho tài khoản đã có). "
        "Vai trò: admin, planning, department, commune, cooperative, viewer."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username", help="Tên đăng nhập.")
        parser.add_argument(
            "--role",
            required=True,
            help="Vai trò: admin, planning, department, commune, cooperative, viewer.",
        )
        parser.add_argument(
            "--area",
            default="",
            help="Mã địa bàn (tỉnh, huyện, xã) đọc tại ngày hôm nay, ví dụ 109 hoặc 03549. "
            "Bắt buộc, trừ vai trò admin (toàn bộ dữ liệu) và cooperative (một HTX).",
        )
        parser.add_argument(
            "--cooperative", default="", help="Mã số HTX; bắt buộc với vai trò cooperative."
        )
        parser.add_argument(
            "--department",
            default="",
            help="Đơn vị thực hiện đề án của vai trò (tên hoặc tên viết tắt, ví dụ NN&PTNT): "
            "phòng chuyên môn chỉ sửa hoạt động của đơn vị mình.",
        )
        parser.add_argument("--full-name", default="", help="Họ và tên (không bắt buộc).")
        parser.add_argument("--email", default="", help="Thư điện tử (không bắt buộc).")
        password = parser.add_mutually_exclusive_group()
        password.add_argument(
            "--password",
            help="Mật khẩu (lộ trong danh sách tiến trình và lịch sử lệnh; nên dùng "
            "--password-env hoặc để lệnh hỏi).",
        )
        password.add_argument(
            "--password-env", metavar="VAR", help="Đọc mật khẩu từ biến môi trường VAR."
        )

    def _unit(self, name: str) -> Any:
        """The implementing unit named (by name or short name, ignoring case and accents)."""
        from kttt.lib.text import fold
        from kttt.plans.models import ImplementingUnit

        if not name:
            return None
        units = list(ImplementingUnit.objects.all())
        for unit in units:
            if fold(name) in (fold(unit.name), fold(unit.short_name or unit.name)):
                return unit
        if not units:
            return None  # no plan work recorded yet: keep the name as text
        raise CommandError(
            _("Không có đơn vị thực hiện “%(name)s”. Có: %(units)s.")
            % {"name": name, "units": "; ".join(u.name for u in units)}
        )

    def handle(self, *args: Any, **options: Any) -> None:
        username = options["username"].strip()
        if not username:
            raise CommandError(_("Tên đăng nhập không được để trống."))
        role = options["role"].strip().lower()
        if role not in Role.values:
            raise CommandError(
                _("Vai trò “%(role)s” không hợp lệ. Chọn một trong: %(roles)s.")
                % {"role": options["role"], "roles": role_list()}
            )
        area_code = self._area(role, options["area"].strip())
        cooperative = self._cooperative(role, options["cooperative"].strip())
        unit = self._unit(options["department"].strip())

        User = get_user_model()
        user = User.objects.filter(username=username).first()
        password = self._password(options, required=user is None)
        if password is not None:
            self._validate_password(password, User(username=username, email=options["email"]))

        with transaction.atomic():
            if user is None:
                user = User.objects.create_user(
                    username=username,
                    email=options["email"],
                    password=password,
                    first_name=options["full_name"],
                )
                action = _("Đã tạo tài khoản")
            else:
                action = _("Tài khoản đã có")
                if password is not None:
                    user.set_password(password)
                    user.save(update_fields=["password"])
                    action = _("Đã đổi mật khẩu cho tài khoản")
            if role == Role.ADMIN and not (user.is_staff and user.is_superuser):
                # The system administrator also manages users and units in Django's admin.
                user.is_staff = user.is_superuser = True
                user.save(update_fields=["is_staff", "is_superuser"])
            _membership, created = Membership.objects.get_or_create(
                user=user,
                role=role,
                area_code=area_code,
                cooperative=cooperative,
                defaults={
                    "department": unit.name if unit else options["department"],
                    "implementing_unit": unit,
                },
            )

        if cooperative:
            scope = _("%(role)s, HTX %(code)s") % {
                "role": Role(role).label,
                "code": cooperative.code,
            }
        elif area_code:
            scope = _("%(role)s, địa bàn %(code)s") % {"role": Role(role).label, "code": area_code}
        else:
            scope = str(Role(role).label)
        values = {"action": action, "username": username, "scope": scope}
        if created:
            self.stdout.write(_("%(action)s “%(username)s”, vai trò %(scope)s.") % values)
        else:
            self.stdout.write(
                _("%(action)s “%(username)s”; vai trò %(scope)s đã có từ trước.") % values
            )

    def _area(self, role: str, code: str) -> str:
        if role == Role.ADMIN:
            if code:
                raise CommandError(_("Vai trò admin xem toàn bộ dữ liệu; không dùng --area."))
            return ""
        if role == Role.COOPERATIVE:
            if code:
                # The scope of a cooperative's representative is the cooperative itself.
                raise CommandError(
                    _("Vai trò cooperative gắn với một HTX (--cooperative); không dùng --area.")
                )
            return ""
        if not code:
            raise CommandError(
                _("Vai trò %(role)s cần --area (mã tỉnh, huyện hoặc xã).") % {"role": role}
            )
        try:
            return resolve_area(code, timezone.localdate()).code
        except AreaError as error:
            raise CommandError(str(error)) from None

    def _cooperative(self, role: str, code: str) -> Entity | None:
        if role != Role.COOPERATIVE:
            if code:
                raise CommandError(_("--cooperative chỉ dùng với vai trò cooperative."))
            return None
        if not code:
            raise CommandError(_("Vai trò cooperative cần --cooperative (mã số HTX)."))
        entity = Entity.objects.filter(code=code).first()
        if entity is None:
            raise CommandError(_("Không có HTX mã số “%(code)s”.") % {"code": code})
        return entity

    def _password(self, options: dict[str, Any], *, required: bool) -> str | None:
        if options["password"] is not None:
            return str(options["password"])
        if options["password_env"]:
            value = os.environ.get(options["password_env"])
            if not value:
                raise CommandError(
                    _("Biến môi trường %(name)s chưa đặt hoặc rỗng.")
                    % {"name": options["password_env"]}
                )
            return value
        if not required:
            return None
        if not sys.stdin.isatty():
            raise CommandError(
                _("Cần mật khẩu: dùng --password-env BIẾN hoặc chạy lệnh trong terminal.")
            )
        first = getpass.getpass(_("Mật khẩu: "))
        if first != getpass.getpass(_("Nhập lại mật khẩu: ")):
            raise CommandError(_("Hai lần nhập mật khẩu không khớp."))
        return first

    def _validate_password(self, password: str, user: Any) -> None:
        try:
            password_validation.validate_password(password, user)
        except ValidationError as error:
            raise CommandError(
                _("Mật khẩu chưa đạt: %(reasons)s") % {"reasons": " ".join(error.messages)}
            ) from None
