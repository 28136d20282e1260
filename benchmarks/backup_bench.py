"""Backup and restore benchmark (issue 11). Not a test: prints timings and sizes.

    # the demo, SQLite (a scratch KTTT_VAR_DIR each run)
    python benchmarks/backup_bench.py
    # the national synthetic set: 100.000 entities, 2021-2025
    python benchmarks/backup_bench.py --synth 100000
    # PostgreSQL: DATABASE_URL names a database whose user may create databases; the source
    # and the restore target are two new databases on that server, dropped at the end
    python -m tests.pg -- python benchmarks/backup_bench.py

Each step is the real command line (`kttt backup`, `kttt restore`), timed from outside; the
restore includes `collectstatic` (about 2 s of its time on this machine).
"""

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

KTTT = str(Path(sys.executable).parent / "kttt")
URL = os.environ.get("DATABASE_URL", "")
PG = URL.startswith(("postgres://", "postgresql://"))


def admin(sql: str) -> None:
    import psycopg

    with psycopg.connect(URL, autocommit=True) as conn:
        conn.execute(sql)


def place(root: Path, name: str, dbs: list[str]) -> dict[str, str]:
    env = {**os.environ, "KTTT_VAR_DIR": str(root / name), "KTTT_FIGURE_REFRESH": "0"}
    for key in ("DATABASE_URL", "MEDIA_ROOT", "STATIC_ROOT"):
        env.pop(key, None)
    if PG:
        db = f"kttt_bench_{name}_{uuid.uuid4().hex[:6]}"
        admin(f"CREATE DATABASE \"{db}\" TEMPLATE template0 ENCODING 'UTF8'")
        dbs.append(db)
        env["DATABASE_URL"] = URL.rsplit("/", 1)[0] + "/" + db
    return env


def kttt(env: dict[str, str], *args: str) -> float:
    began = time.perf_counter()
    subprocess.run([KTTT, *args], env=env, check=True, stdout=subprocess.DEVNULL)  # noqa: S603
    return time.perf_counter() - began


def size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--synth", type=int, help="entities of the synthetic set (else the demo)")
    options = parser.parse_args()
    root = Path(tempfile.mkdtemp(prefix="kttt-backup-bench-"))
    dbs: list[str] = []
    try:
        source = place(root, "source", dbs)
        kttt(source, "migrate", "--noinput", "-v", "0")
        if options.synth:
            kttt(source, "synth", "--entities", str(options.synth), "--years", "2021-2025",
                 "--seed", "1")  # fmt: skip
            what = f"synthetic {options.synth} entities"
        else:
            kttt(source, "load_demo", "--password", "Bench-backup-2025")
            what = "demo"
        engine = "PostgreSQL" if PG else "SQLite"
        taken = kttt(source, "backup", str(root / "backup"))
        total = size(root / "backup")
        target = place(root, "target", dbs)
        restored = kttt(target, "restore", str(root / "backup"))
        print(
            f"{engine}, {what}: backup {taken:.1f} s, {total / 1048576:.1f} MB; "
            f"restore {restored:.1f} s"
        )
    finally:
        shutil.rmtree(root, ignore_errors=True)
        for db in dbs:
            admin(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')


if __name__ == "__main__":
    main()
