"""Report benchmark (issue 8). Not a test: prints timings and memory.

A district report, on the demo (Huyện Phong Thổ, 2021: 27 HTX):

    KTTT_VAR_DIR=/tmp/bench-demo kttt migrate
    KTTT_VAR_DIR=/tmp/bench-demo kttt load_demo
    KTTT_VAR_DIR=/tmp/bench-demo python benchmarks/reports_bench.py --area 109 --year 2021 --plan 1

A province-size report (about 2.000 HTX active in the area, appendix included), on synthetic
data where the whole synthetic country ("VN") has that many:

    KTTT_VAR_DIR=/tmp/bench-2000 kttt migrate
    KTTT_VAR_DIR=/tmp/bench-2000 kttt synth --entities 2600 --years 2021-2025 --seed 1
    KTTT_VAR_DIR=/tmp/bench-2000 python benchmarks/reports_bench.py --area VN --year 2025

Each format is built from scratch (the content, then the file) in one process: best and
median of the runs after one warm-up; memory is the peak of Python allocations during one
build (tracemalloc) and the process's peak resident size.
"""

import argparse
import datetime as dt
import os
import resource
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kttt.settings")

import django

django.setup()

from django.db import connection  # noqa: E402

from kttt.documents.build import Request, build  # noqa: E402
from kttt.documents.issuers import issuer_for  # noqa: E402
from kttt.documents.register import render  # noqa: E402
from kttt.lib.charts import clear_cache  # noqa: E402
from kttt.plans.models import Plan  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--area", default="109")
    parser.add_argument("--year", type=int, default=2021)
    parser.add_argument("--plan", type=int)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--formats", default="docx,xlsx,pdf")
    args = parser.parse_args()
    on = dt.date(args.year + 1, 1, 15)
    plan = Plan.objects.get(pk=args.plan) if args.plan else None

    def make(fmt: str) -> int:
        clear_cache()  # every run draws its charts (pages keep recent drawings)
        request = Request(
            "annual", args.area, on, issuer_for(args.area, on), year=args.year, plan=plan
        )
        return len(render(build(request), fmt, on).data)

    request = Request("annual", args.area, on, issuer_for(args.area, on), year=args.year, plan=plan)
    document = build(request)
    appendix = document.tables()[-1]
    print(
        f"database: {connection.vendor}; area {args.area}, year {args.year}; "
        f"appendix rows: {len(appendix.rows)}"
    )
    for fmt in args.formats.split(","):
        make(fmt)  # warm-up: imports, LibreOffice's first start
        times = []
        for _ in range(args.runs):
            start = time.perf_counter()
            size = make(fmt)
            times.append(time.perf_counter() - start)
        tracemalloc.start()
        make(fmt)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        print(
            f"{fmt}: best {min(times):.2f} s, median {statistics.median(times):.2f} s, "
            f"{size / 1024:.0f} KiB, Python peak {peak / 2**20:.0f} MiB"
        )
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"process peak resident size: {rss:.0f} MiB")


if __name__ == "__main__":
    main()
