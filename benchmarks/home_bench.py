"""Home page (Tổng quan) benchmark (issue 9). Not a test: prints timings.

    KTTT_VAR_DIR=/tmp/bench kttt migrate
    KTTT_VAR_DIR=/tmp/bench kttt synth --entities 100000 --years 2021-2025 --seed 1
    KTTT_VAR_DIR=/tmp/bench python benchmarks/home_bench.py

For PostgreSQL set DATABASE_URL instead of KTTT_VAR_DIR. The page is asked through Django's
test client as an administrator (who may read the whole country), so a time is the whole
request: the default year, the engine's figures for the chart years, the breakdown by unit,
the data checks, the template and the charts. "Charts drawn" empties the kept drawings
before each run; "charts kept" is a page shown again with the same figures.
"""

import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kttt.settings")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth.models import User  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402

from kttt.lib import charts  # noqa: E402
from kttt.registry.models import YearlyReport  # noqa: E402

CASES = {
    "country (VN), 2025": {"area": "VN", "year": "2025"},
    "one province (20), 2025": {"area": "20", "year": "2025"},
    "country (VN), default year": {"area": "VN"},
}


def timed(client: Client, query: dict[str, str], *, fresh_charts: bool) -> tuple[float, int]:
    if fresh_charts:
        charts.clear_cache()
    with CaptureQueriesContext(connection) as ctx:
        start = time.perf_counter()
        response = client.get("/", query)
        elapsed = time.perf_counter() - start
    assert response.status_code == 200, response.status_code
    return elapsed, len(ctx)


def main() -> None:
    setup_test_environment()  # the test client's host, as in the tests
    settings.STORAGES = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    user, _created = User.objects.get_or_create(
        username="bench-admin", defaults={"is_superuser": True, "is_staff": True}
    )
    client = Client()
    client.force_login(user)
    print(f"database: {connection.vendor}, yearly rows: {YearlyReport.objects.count()}")
    client.get("/", {"area": "20", "year": "2025"})  # warm-up: matplotlib import, fonts
    for name, query in CASES.items():
        for fresh in (True, False):
            runs = [timed(client, query, fresh_charts=fresh) for _ in range(3)]
            times = [t for t, _n in runs]
            label = "charts drawn" if fresh else "charts kept"
            print(
                f"{name}, {label}: best {min(times) * 1000:.0f} ms, "
                f"median {statistics.median(times) * 1000:.0f} ms, {runs[0][1]} queries"
            )


if __name__ == "__main__":
    main()
