from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from kttt.demo import loading
from kttt.registry.models import Entity


class Command(BaseCommand):
    help = "Nạp dữ liệu minh họa Huyện Phong Thổ 2021–2025 và tài khoản mẫu cho mọi vai trò."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Không làm gì nếu cơ sở dữ liệu đã có HTX (dùng trong make run).",
        )
        parser.add_argument(
            "--password", help="Mật khẩu cho các tài khoản mẫu (mặc định: ngẫu nhiên)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if Entity.objects.exists():
            if options["if_empty"]:
                return
            raise CommandError(
                "Cơ sở dữ liệu đã có dữ liệu; chỉ nạp dữ liệu minh họa vào CSDL trống."
            )
        password, accounts = loading.load(options["password"])
        lines = [f"Tài khoản minh họa (mật khẩu chung: {password}):"]
        lines += [f"  {username:<12} {role}" for username, role in accounts]
        text = "\n".join(lines) + "\n"
        settings.VAR_DIR.mkdir(parents=True, exist_ok=True)
        path = settings.VAR_DIR / "demo-accounts.txt"
        path.write_text(text, encoding="utf-8")
        path.chmod(0o600)
        self.stdout.write("Đã nạp dữ liệu minh họa Huyện Phong Thổ.")
        self.stdout.write(text)
