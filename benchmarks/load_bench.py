"""Load benchmark (issue 11): many users browsing while others save and one imports.

    # PostgreSQL 15, the national synthetic set (100.000 cooperatives, 2021-2025)
    .venv/bin/python -m tests.pg -- bash -c '.venv/bin/kttt migrate -v0 &&
      .venv/bin/kttt synth --entities 100000 --years 2021-2025 --seed 1 &&
      .venv/bin/python benchmarks/load_bench.py --areas 20,21,22,23,24,25,26,27,28,29'
    # SQLite, the demo
    KTTT_VAR_DIR=/tmp/load .venv/bin/kttt migrate -v0
    KTTT_VAR_DIR=/tmp/load .venv/bin/kttt load_demo --password x
    KTTT_VAR_DIR=/tmp/load .venv/bin/python benchmarks/load_bench.py --areas 109 --writers 20

On the database named by DATABASE_URL (or KTTT_VAR_DIR's SQLite file), already loaded, it
adds the load's accounts (planning officers of the given areas, with API keys; the
administrator who imports), writes the workbook to import (import_bench.py's generator:
10.000 cooperatives of Lai Châu's pre-2025 communes with two years of figures, 30.000 rows,
and 1.000 OCOP rows), starts gunicorn as `make serve` does (2 workers, 4 threads) on a free
loopback port, and runs locust (benchmarks/load/locustfile.py) as its own process,
headless, for `--seconds` once every user has started: `--users` readers, `--writers`
writers, one importer. It prints
p50/p95/p99 and failures per kind of page, and the server's errors. Nothing listens beyond
127.0.0.1; everything it started is stopped at the end. Results: docs/performance.md.
"""

import argparse
import csv
import os
import random
import re
import secrets
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
SPAWN_RATE = 2
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kttt.settings")


def prepare(areas: list[str], writers: int) -> dict:
    import django

    django.setup()
    from django.contrib.auth.models import User

    from kttt.access.registry import entities_visible_to
    from kttt.access.scope import Scope
    from kttt.accounts.models import Membership, Role
    from kttt.accounts.tokens import create_token
    from kttt.registry.models import YearlyReport

    password = secrets.token_urlsafe(12)
    rng = random.Random(11)
    setup: dict = {"password": password, "readers": [], "writers": []}

    def account(username: str, role: str, area: str) -> User:
        user, _ = User.objects.get_or_create(username=username)
        user.set_password(password)
        user.is_active = True
        user.save()
        Membership.objects.filter(user=user).delete()
        Membership.objects.create(user=user, role=role, area_code=area)
        return user

    def with_2024(user: User, limit: int) -> list[str]:
        """Codes of the cooperatives the user sees that have 2024 figures."""
        return list(
            YearlyReport.objects.filter(entity__in=entities_visible_to(Scope.of(user)), year=2024)
            .order_by("entity__code")
            .values_list("entity__code", flat=True)[:limit]
        )

    for area in areas:
        reader = account(f"load-doc-{area}", Role.PLANNING, area)
        codes = with_2024(reader, 200)
        if not codes:
            sys.exit(f"area {area}: no cooperative with 2024 figures to read")
        key = create_token(user=reader, name="load")[1]
        setup["readers"].append(
            {"username": reader.username, "area": area, "token": key, "codes": codes}
        )
    # Writers: planning officers of the same areas, each with rows no other writer saves.
    for number in range(writers):
        area = areas[number % len(areas)]
        writer = account(f"load-ghi-{number}", Role.PLANNING, area)
        codes = with_2024(writer, 5000)
        same_area = [n for n in range(writers) if areas[n % len(areas)] == area]
        mine = codes[same_area.index(number) :: len(same_area)][:50]
        rng.shuffle(mine)
        setup["writers"].append({"username": writer.username, "codes": mine})
    admin = account("load-quan-tri", Role.ADMIN, "")
    setup["importer"] = admin.username
    return setup


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--areas", required=True, help="codes of the readers' areas, comma-separated"
    )
    parser.add_argument("--users", type=int, default=50, help="readers (default 50)")
    parser.add_argument("--writers", type=int, default=0, help="users saving yearly figures")
    parser.add_argument(
        "--seconds", type=int, default=120, help="how long, once every user has started"
    )
    parser.add_argument("--no-import", action="store_true", help="no importer")
    parser.add_argument(
        "--import-entities",
        type=int,
        default=10_000,
        help="cooperatives in the workbook, each with two years of figures (default 10.000: "
        "30.000 rows; 99.999: about 300.000)",
    )
    parser.add_argument("--keep", type=Path, help="keep the files (results, logs) here")
    args = parser.parse_args()
    folder = args.keep or Path(tempfile.mkdtemp(prefix="kttt-load-"))
    folder.mkdir(parents=True, exist_ok=True)

    import json

    setup = prepare(args.areas.split(","), args.writers)
    if not args.no_import:
        workbook = folder / f"load-{args.import_entities}.xlsx"
        subprocess.run(
            [
                sys.executable,
                str(ROOT / "benchmarks" / "import_bench.py"),
                "--generate",
                str(workbook),
                "--entities",
                str(args.import_entities),
                "--years",
                "2",
            ],
            check=True,
        )
        setup["workbook"] = str(workbook)
    (folder / "requests.tsv").unlink(missing_ok=True)
    users_file = folder / "users.json"
    users_file.write_text(json.dumps(setup), encoding="utf-8")

    env = {**os.environ, "SECRET_KEY": secrets.token_urlsafe(50), "GUNICORN_CMD_ARGS": ""}
    subprocess.run([str(BIN / "kttt"), "collectstatic", "--noinput", "-v0"], env=env, check=True)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server_log = (folder / "gunicorn.log").open("w")
    (folder / "access.log").unlink(missing_ok=True)
    server = subprocess.Popen(
        [
            str(BIN / "gunicorn"),
            "kttt.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "2",
            "--threads",
            "4",
            "--timeout",
            "600",
            # Longer than a simulated user's pause (1-3 s): gunicorn's default of 2 s closes a
            # kept-alive connection just as the client reuses it ("connection reset"), which
            # nginx in front (docs/deployment.md) would retry, but locust does not.
            "--keep-alive",
            "10",
            "--access-logfile",
            str(folder / "access.log"),
        ],
        env=env,
        stdout=server_log,
        stderr=subprocess.STDOUT,
    )
    try:
        for _ in range(300):
            try:
                urllib.request.urlopen(base + "/dang-nhap/", timeout=2).close()  # noqa: S310
                break
            except OSError:
                time.sleep(0.2)
        total = args.users + args.writers + (0 if args.no_import else 1)
        # Users start two a second (each logs in: a password hash costs a core ~0,3 s); the
        # figures are counted from when all have started (--reset-stats), for --seconds.
        ramp = total // SPAWN_RATE + 5
        started = time.time()
        subprocess.run(
            [
                str(BIN / "locust"),
                "-f",
                str(ROOT / "benchmarks" / "load" / "locustfile.py"),
                "--headless",
                "--users",
                str(total),
                "--spawn-rate",
                str(SPAWN_RATE),
                "--reset-stats",
                "--run-time",
                f"{ramp + args.seconds}s",
                "--host",
                base,
                "--csv",
                str(folder / "load"),
                "--only-summary",
                "--stop-timeout",
                "120",
                "--web-host",
                "127.0.0.1",
            ],
            env={
                **env,
                "LOAD_USERS": str(users_file),
                "LOAD_WRITERS": str(args.writers),
                "LOAD_IMPORT_AFTER": str(ramp + 10),
                "LOAD_REQUESTS": str(folder / "requests.tsv"),
            },
            check=False,
        )
        print(f"ran {time.time() - started:.0f} s")
    finally:
        server.terminate()
        server.wait(timeout=60)
        server_log.close()
    report(folder)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def report(folder: Path) -> None:
    """Per kind of page: requests, failures, p50 and p95, counted from when every user had
    started (locust's reset), in all and split into before, during and after the import."""
    lines = [
        line.split("\t") for line in (folder / "requests.tsv").read_text().splitlines() if line
    ]
    marks = {name: float(at) for at, name, _ms, _failed in lines if name.startswith("import ")}
    start = marks.get("import starts", float("inf"))
    end = marks.get("import ends", float("inf"))
    # locust resets its figures once every user has started; our log starts earlier, so
    # requests before the first one after the reset are left out the same way.
    history = list(csv.DictReader((folder / "load_stats_history.csv").open(encoding="utf-8")))
    most = max(int(h["User Count"]) for h in history)
    reset = next(float(r["Timestamp"]) for r in history if int(r["User Count"]) == most)
    requests = [
        (float(at), name, float(ms), failed == "1")
        for at, name, ms, failed in lines
        if not name.startswith("import ") and float(at) >= reset
    ]
    phases = {"all": lambda at: True}
    if start != float("inf"):  # split only a run with an import
        phases |= {
            "before the import": lambda at: at < start,
            "during": lambda at: start <= at <= end,
            "after": lambda at: at > end,
        }
    print("| page | phase | requests | failures | p50 | p95 | max |")
    print("|---|---|---|---|---|---|---|")
    for name in sorted({name for _at, name, _ms, _f in requests}):
        for phase, inside in phases.items():
            times = [ms for at, n, ms, _f in requests if n == name and inside(at)]
            failures = sum(f for at, n, _ms, f in requests if n == name and inside(at))
            if times:
                print(
                    f"| {name} | {phase} | {len(times)} | {failures} | "
                    f"{percentile(times, 0.5):.0f} ms | {percentile(times, 0.95):.0f} ms | "
                    f"{max(times):.0f} ms |"
                )
    if start != float("inf"):
        print(f"import: {end - start:.0f} s from upload to the end of the confirmation")
    log = (folder / "gunicorn.log").read_text(encoding="utf-8", errors="replace")
    access = (folder / "access.log").read_text(encoding="utf-8", errors="replace")
    server_errors = len(re.findall(r'" 5\d\d ', access))
    print(f"server: {server_errors} answers 5xx; {log.count('Traceback')} tracebacks in its log")
    print(f"files: {folder}")


if __name__ == "__main__":
    main()
