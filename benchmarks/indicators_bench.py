"""Indicator engine benchmark (issue 3). Not a test: prints timings.

    KTTT_VAR_DIR=/tmp/bench kttt migrate
    KTTT_VAR_DIR=/tmp/bench kttt synth --entities 100000 --years 2021-2025 --seed 1
    KTTT_VAR_DIR=/tmp/bench python benchmarks/indicators_bench.py

For PostgreSQL set DATABASE_URL instead of KTTT_VAR_DIR.
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

from django.db import connection  # noqa: E402
from django.db.models import Sum  # noqa: E402

from kttt.indicators.engine import compute, series  # noqa: E402
from kttt.registry.models import YearlyReport  # noqa: E402


def best(fn, runs: int = 5) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times), statistics.median(times)


def main() -> None:
    print(f"database: {connection.vendor}, yearly rows: {YearlyReport.objects.count()}")
    floor = best(lambda: YearlyReport.objects.filter(year=2025).aggregate(Sum("revenue")))
    cases = {
        "country, one year": lambda: compute(2025, "VN"),
        "one province, one year": lambda: compute(2025, "20"),
        "country, 5-year series": lambda: series(2021, 2025, "VN"),
    }
    print(f"floor (one SUM over one year's rows): best {floor[0] * 1000:.0f} ms")
    for name, fn in cases.items():
        b, m = best(fn, 3)
        print(
            f"{name}: best {b * 1000:.0f} ms, median {m * 1000:.0f} ms, "
            f"{b / floor[0]:.1f}× the floor"
        )


if __name__ == "__main__":
    main()
