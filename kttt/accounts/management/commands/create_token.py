"""kttt create_token USERNAME [--expires DAYS] [--name TEXT]: make an API token and print
its key once (docs/api.md)."""

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from kttt.accounts.services import AccountError
from kttt.accounts.tokens import create_token


class Command(BaseCommand):
    help = "Tạo khóa API cho một tài khoản; khóa chỉ được in ra một lần."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--expires", type=int, metavar="DAYS", help="số ngày hiệu lực")
        parser.add_argument("--name", default="", help="tên gợi nhớ của khóa")

    def handle(self, *args: Any, **options: Any) -> None:
        user = get_user_model().objects.filter(username=options["username"]).first()
        if user is None:
            raise CommandError(f"Không có tài khoản “{options['username']}”.")
        try:
            token, key = create_token(
                user=user, name=options["name"], days=options["expires"], source="cli"
            )
        except AccountError as exc:
            raise CommandError(str(exc)) from None
        self.stderr.write(
            f"Khóa API {token.prefix}… của {user.username}: lưu lại ngay, khóa không được "
            "hiện lại lần nào nữa."
        )
        self.stdout.write(key)
