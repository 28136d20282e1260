"""Database faults (issue 11): a database that is missing or down answers a clear page, not
a traceback or an empty database.

- `server_error` is the project's handler500 (kttt/urls.py). Django calls it inside the
  `except` that caught the error, wherever it was raised (a view, the session or the
  log-in throttle's middleware). When the error is the database being unreachable
  (OperationalError: the SQLite file missing or unreadable, PostgreSQL stopped or refusing
  connections; InterfaceError: a connection closed under us), it answers 503 with a
  Vietnamese page, or the API's JSON error shape under /api/; any other error keeps the
  plain 500 page. Django logs either with its traceback (logger `django.request`); the
  answer never shows one. Nothing is kept between requests, so the next request after the
  database is back is served as usual: no restart.
- `missing_sqlite_file` is read by kttt/wsgi.py before the server starts: with SQLite, the
  web process refuses to start on a database file that does not exist (settings open it
  with `mode=rw`, which never creates one, see KTTT_DATABASE_MUST_EXIST).
"""

import json
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, HttpResponseServerError
from django.template import loader
from django.utils.translation import gettext as _

UNAVAILABLE = (OperationalError, InterfaceError)
RETRY_AFTER_SECONDS = 30
API_PREFIX = "/api/"


def server_error(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    error = sys.exc_info()[1]
    if isinstance(error, UNAVAILABLE):
        return unavailable(request)
    # Django's own handler500, without a context: the database may be what failed.
    return HttpResponseServerError(loader.get_template("500.html").render())


def unavailable(request: HttpRequest) -> HttpResponse:
    message = _("Cơ sở dữ liệu tạm thời không truy cập được. Vui lòng thử lại sau ít phút.")
    if request.path.startswith(API_PREFIX):
        body = json.dumps({"code": "unavailable", "message": message}, ensure_ascii=False)
        response = HttpResponse(body, status=503, content_type="application/json")
    else:
        # No request context: the context processors would read the database again.
        response = HttpResponse(loader.get_template("503.html").render(), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def missing_sqlite_file(database: Mapping[str, Any]) -> Path | None:
    """The SQLite file the settings name, when it does not exist; None otherwise (another
    engine, an in-memory database, or the file is there)."""
    if database["ENGINE"] != "django.db.backends.sqlite3":
        return None
    name = str(database["NAME"])
    if name == ":memory:" or "mode=memory" in name:
        return None
    path = Path(name)
    return None if path.exists() else path
