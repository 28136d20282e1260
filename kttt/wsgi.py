import os
import sys

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kttt.settings")
# The web process never creates a database: a missing SQLite file is refused below at start
# and answers 503 if it goes missing while serving (kttt.web.faults, docs/deployment.md).
# Set only while the settings are read: the process's environment is inherited by anything
# it starts (a test suite importing this module runs `kttt migrate` on fresh files).
_set_here = "KTTT_DATABASE_MUST_EXIST" not in os.environ
if _set_here:
    os.environ["KTTT_DATABASE_MUST_EXIST"] = "1"
try:
    application = get_wsgi_application()
finally:
    if _set_here:
        os.environ.pop("KTTT_DATABASE_MUST_EXIST", None)


def _refuse_a_missing_database() -> None:
    from django.conf import settings

    from kttt.web.faults import missing_sqlite_file

    missing = missing_sqlite_file(settings.DATABASES["default"])
    if missing is not None and settings.KTTT_DATABASE_MUST_EXIST:
        sys.stderr.write(
            f"KTTT: không có tệp cơ sở dữ liệu {missing}. Hãy tạo bằng `kttt migrate` "
            "(hoặc `make run`), hoặc khôi phục bản sao lưu, rồi khởi động lại.\n"
        )
        raise SystemExit(3)


_refuse_a_missing_database()
