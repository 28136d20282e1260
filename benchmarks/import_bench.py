"""Import benchmark (not a test): 30.000 entities with 4 years of yearly data in Lai Châu
communes, imported into a fresh SQLite database.

    .venv/bin/python benchmarks/import_bench.py [--entities 30000] [--years 4] [--keep DIR]

The workbook is generated in a child process (openpyxl write-only mode), so that the peak
resident memory reported is that of migrate + import alone. Results go to
docs/performance.md.
"""

import argparse
import datetime as dt
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
UNITS = ROOT / "kttt" / "areas" / "data" / "lai-chau-units-before-2025-07-01.json"
FIRST_YEAR = 2021

KINDS = ["Hợp tác xã"] * 8 + ["Tổ hợp tác", "Liên hiệp hợp tác xã"]
SECTORS = [
    "Nông - lâm nghiệp, thủy sản",
    "Thương mại - dịch vụ",
    "xay_dung",
    "Công nghiệp, tiểu thủ công nghiệp",
    "Vận tải",
    "khác",
]
GRADES = ["Tốt", "Khá", "Trung bình", "Yếu", None]


def generate(path: Path, entities: int, years: int) -> None:
    """Write the template workbook. Old (pre-2025) commune codes, years before the reform,
    so that every code is read at a date when it exists."""
    from openpyxl import Workbook

    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kttt.settings")
    import django

    django.setup()
    from kttt.registry.excel.template import ENTITY_COLUMNS, OCOP_COLUMNS, YEARLY_COLUMNS

    data = json.loads(UNITS.read_text(encoding="utf-8"))
    communes = [w["code"] for d in data["districts"] for w in d["wards"]]
    rng = random.Random(2021)  # noqa: S311 - reproducible test data, not security
    book = Workbook(write_only=True)
    htx = book.create_sheet("HTX")
    htx.append([c.header for c in ENTITY_COLUMNS])
    place: dict[int, int] = {}
    for n in range(entities):
        place[n] = rng.choice(communes)
        established = dt.date(2000, 1, 1) + dt.timedelta(days=rng.randrange(7300))
        paused = rng.random() < 0.05
        row = {
            "code": f"BM-{n:05d}",
            "name": f"HTX thử nghiệm Nông nghiệp số {n}",
            "kind": rng.choice(KINDS),
            "commune": place[n],
            "sector": rng.choice(SECTORS),
            "established_on": established,
            "status": "Tạm ngừng hoạt động" if paused else None,
            "status_date": dt.date(2024, 3, 1) if paused else None,
            "is_model_coop": "Có" if rng.random() < 0.01 else "Không",
        }
        # By the template's keys: the template's columns may be added or reordered.
        htx.append([row.get(c.key) for c in ENTITY_COLUMNS])
    yearly = book.create_sheet("Số liệu năm")
    yearly.append([c.header for c in YEARLY_COLUMNS])
    for n in range(entities):
        for year in range(FIRST_YEAR, FIRST_YEAR + years):
            workers = rng.randrange(0, 60)
            managers = rng.randrange(1, 8)
            if rng.random() < 0.01:
                place[n] = rng.choice(communes)  # moved: recorded at 31/12 of that year
            row = {
                "code": f"BM-{n:05d}",
                "year": year,
                "members": rng.randrange(7, 300),
                "workers": workers,
                "workers_trained": rng.randrange(0, workers + 1),
                "managers": managers,
                "managers_primary": rng.randrange(0, managers + 1),
                "charter_capital": rng.randrange(100, 20000),
                # Half the money as Vietnamese text, the way people type it.
                "revenue": f"{rng.randrange(100, 90000):,}".replace(",", ".")
                if rng.random() < 0.5
                else round(rng.uniform(100, 90000), 3),
                "profit": round(rng.uniform(-500, 2000), 2),
                "income_avg": f"{rng.uniform(20, 90):.1f}".replace(".", ","),
                "tax": rng.randrange(0, 500),
                "grade": rng.choice(GRADES),
                "hightech": "Có" if rng.random() < 0.1 else "Không",
                "value_chain": "Có" if rng.random() < 0.07 else None,
                "commune": place[n],
            }
            yearly.append([row.get(c.key) for c in YEARLY_COLUMNS])
    ocop = book.create_sheet("OCOP")
    ocop.append([c.header for c in OCOP_COLUMNS])
    for n in range(0, entities, 10):
        stars = rng.choice([3, 4, 5])
        row = {
            "code": f"BM-{n:05d}",
            "name": f"Sản phẩm {n}",
            "stars": stars,
            "recognized_on": dt.date(2023, 5, 1),
            # Five stars are recognised only at the central level (DOMAIN.md §6).
            "level": "Trung ương" if stars == 5 else rng.choice(["Huyện", "Tỉnh", None]),
        }
        ocop.append([row.get(c.key) for c in OCOP_COLUMNS])
    book.save(path)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entities", type=int, default=30_000)
    parser.add_argument("--years", type=int, default=4)
    parser.add_argument("--keep", type=Path, help="work in this folder and keep its files")
    parser.add_argument("--profile", action="store_true", help="print a cProfile of the import")
    parser.add_argument(
        "--again", action="store_true", help="then import the same file again (all unchanged)"
    )
    parser.add_argument("--generate", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.generate:
        generate(args.generate, args.entities, args.years)
        return

    folder = args.keep or Path(tempfile.mkdtemp(prefix="kttt-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    workbook = folder / f"bench-{args.entities}.xlsx"
    if not workbook.exists():
        started = time.perf_counter()
        subprocess.run(  # noqa: S603 - this very script, with our own arguments
            [
                sys.executable,
                __file__,
                "--generate",
                str(workbook),
                "--entities",
                str(args.entities),
                "--years",
                str(args.years),
            ],
            check=True,
        )
        print(
            f"generated {workbook} ({workbook.stat().st_size / 1e6:.1f} MB) "
            f"in {time.perf_counter() - started:.1f} s"
        )

    database = folder / "bench.sqlite3"
    database.unlink(missing_ok=True)
    os.environ["DATABASE_URL"] = f"sqlite:///{database}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kttt.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    from kttt.registry.excel import run_import, summary_lines
    from kttt.registry.models import AuditEntry, Entity, Location, YearlyReport

    call_command("migrate", verbosity=0)
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    started = time.perf_counter()
    if args.profile:
        import cProfile
        import pstats

        profiler = cProfile.Profile()
        result = profiler.runcall(run_import, workbook)
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(30)
    else:
        result = run_import(workbook)
    elapsed = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    if result.problems:
        for problem in result.problems[:20]:
            print(problem)
        sys.exit(f"{len(result.problems)} problems: the benchmark file should be valid")
    for line in summary_lines(result.counts):
        print(line)
    print(
        f"entities={Entity.objects.count()} yearly={YearlyReport.objects.count()} "
        f"locations={Location.objects.count()} audit={AuditEntry.objects.count()}"
    )
    print(f"import wall time: {elapsed:.1f} s")
    print(f"peak RSS: {peak:.0f} MB (after migrate, before import: {rss_before:.0f} MB)")
    if args.again:
        started = time.perf_counter()
        result = run_import(workbook)
        print(*summary_lines(result.counts), sep="\n")
        print(f"second import wall time: {time.perf_counter() - started:.1f} s")
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"peak RSS over both imports: {peak:.0f} MB")


if __name__ == "__main__":
    main()
