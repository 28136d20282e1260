"""`kttt createuser USERNAME --role ROLE --area CODE`: an account with a role in an area.

Run again for an existing user, it adds the role (a user may hold several) and changes the
password only when one is given. Errors are Vietnamese, exit 1, without a traceback. The
rules of what a role may be given are the account pages' (kttt.access.users.grants), and
every change is audited like theirs (source "cli").
"""

import getpass
import os
import sys
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils.translation import gettext as _

from kttt.access.users.grants import GrantError, check_grant
from kttt.accounts import services
from kttt.accounts.models import Membership, Role
from kttt.accounts.services import AccountError


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

    def handle(self, *args: Any, **options: Any) -> None:
        username = options["username"].strip()
        if not username:
            raise CommandError(_("Tên đăng nhập không được để trống."))
        try:
            grant = check_grant(
                role=options["role"],
                area=options["area"],
                cooperative=options["cooperative"],
                department=options["department"],
            )
        except GrantError as error:
            raise CommandError(str(error)) from None

        User = get_user_model()
        user = User.objects.filter(username=username).first()
        password = self._password(options, required=user is None)
        created = True
        try:
            with transaction.atomic():
                if user is None:
                    user = services.create_account(
                        username=username,
                        grant=grant,
                        full_name=options["full_name"],
                        email=options["email"],
                        password=password,
                        source="cli",
                    )
                    action = _("Đã tạo tài khoản")
                else:
                    action = _("Tài khoản đã có")
                    if password is not None:
                        services.set_password(user=user, password=password, source="cli")
                        action = _("Đã đổi mật khẩu cho tài khoản")
                    created = not Membership.objects.filter(
                        user=user,
                        role=grant.role,
                        area_code=grant.area_code,
                        cooperative=grant.cooperative,
                    ).exists()
                    if created:
                        services.add_role(user=user, grant=grant, source="cli")
        except AccountError as error:
            raise CommandError(str(error)) from None

        role = grant.role
        if grant.cooperative:
            scope = _("%(role)s, HTX %(code)s") % {
                "role": Role(role).label,
                "code": grant.cooperative.code,
            }
        elif grant.area_code:
            scope = _("%(role)s, địa bàn %(code)s") % {
                "role": Role(role).label,
                "code": grant.area_code,
            }
        else:
            scope = str(Role(role).label)
        values = {"action": action, "username": username, "scope": scope}
        if created:
            self.stdout.write(_("%(action)s “%(username)s”, vai trò %(scope)s.") % values)
        else:
            self.stdout.write(
                _("%(action)s “%(username)s”; vai trò %(scope)s đã có từ trước.") % values
            )

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
