"""Home page (Tổng quan) benchmark (issue 9). Not a test: prints timings.

    KTTT_VAR_DIR=/tmp/bench kttt migrate
    KTTT_VAR_DIR=/tmp/bench kttt synth --entities 100000 --years 2021-2025 --seed 1
    KTTT_VAR_DIR=/tmp/bench python benchmarks/home_bench.py

For PostgreSQL set DATABASE_URL instead of KTTT_VAR_DIR. The page is asked through Django's
test client as an administrator (who may read the whole country), so a time is the whole
request: the default year, the engine's figures for the chart years, the breakdown by unit,
the data checks, the template and the charts.

"First showing" forgets the kept figures and drawings before each run: the page as it is
shown after a write that every year reads (a cooperative, a location, an import).
"After a 2025 row" adds a member to one 2025 yearly row of province 20 before each run (as
an approval changes the official figures): the years before keep their figures; "at once"
asks the page before the refresher ran, "refreshed" after it computed again what was asked
(its time is printed); the charts whose figures changed are drawn again in both. "Shown
again" is the next request with the same data: the figures and charts kept
(kttt.indicators.cache, kttt.lib.charts).
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

from kttt.indicators import cache, refresh  # noqa: E402
from kttt.lib import charts  # noqa: E402
from kttt.registry.models import ReviewStatus, YearlyReport  # noqa: E402

REFRESHES: list[tuple[float, int]] = []
EDITED = ""  # the cooperative whose 2025 row gets a member (found in main())
CASES = {
    "country (VN), 2025": {"area": "VN", "year": "2025"},
    "one province (20), 2025": {"area": "20", "year": "2025"},
    "country (VN), default year": {"area": "VN"},
}


def timed(client: Client, query: dict[str, str], mode: str) -> tuple[float, int]:
    if mode == "first showing":
        cache.clear()
        charts.clear_cache()
    else:
        client.get("/", query)  # a showing, which keeps what the next one uses
        if mode.startswith("after a 2025 row"):
            row = YearlyReport.objects.filter(
                year=2025, entity__code=EDITED, status=ReviewStatus.APPROVED
            ).get()
            row.members = (row.members or 0) + 1
            row.save(update_fields=["members"])  # the model signal records the change
        if mode == "after a 2025 row, refreshed":
            start = time.perf_counter()
            done = refresh.refresh()
            REFRESHES.append((time.perf_counter() - start, done))
    with CaptureQueriesContext(connection) as ctx:
        start = time.perf_counter()
        response = client.get("/", query)
        elapsed = time.perf_counter() - start
    assert response.status_code == 200, response.status_code
    return elapsed, len(ctx)


def main() -> None:
    setup_test_environment()  # the test client's host, as in the tests
    settings.KTTT_FIGURE_REFRESH = False  # no thread: the refresh is run and timed here
    settings.STORAGES = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    user, _created = User.objects.get_or_create(
        username="bench-admin", defaults={"is_superuser": True, "is_staff": True}
    )
    global EDITED
    EDITED = (
        YearlyReport.objects.filter(
            year=2025, status=ReviewStatus.APPROVED, entity__locations__unit__province__code="20"
        )
        .values_list("entity__code", flat=True)
        .first()
    )
    client = Client()
    client.force_login(user)
    print(f"database: {connection.vendor}, yearly rows: {YearlyReport.objects.count()}")
    client.get("/", {"area": "20", "year": "2025"})  # warm-up: matplotlib import, fonts
    for name, query in CASES.items():
        modes = ("first showing", "after a 2025 row, at once", "after a 2025 row, refreshed")
        for label in (*modes, "shown again"):
            runs = [timed(client, query, label) for _ in range(3)]
            times = [t for t, _n in runs]
            if REFRESHES:
                took = sorted(t for t, _n in REFRESHES)
                print(
                    f"  (the refresher: {took[0]:.2f}–{took[-1]:.2f} s, {REFRESHES[0][1]} results)"
                )
                REFRESHES.clear()
            print(
                f"{name}, {label}: best {min(times) * 1000:.0f} ms, "
                f"median {statistics.median(times) * 1000:.0f} ms, {runs[0][1]} queries"
            )


if __name__ == "__main__":
    main()
