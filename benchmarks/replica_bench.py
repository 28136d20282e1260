"""Read-replica benchmark (issue 11). Not a test: prints timings.

    python benchmarks/replica_bench.py

Starts a PostgreSQL 15 primary and a streaming replica of it (`pg_basebackup -R`) on
loopback, as tests/changes/test_replica.py does, loads the demo, then measures in a KTTT
process: how long the replica takes to replay a write (until `caught_up()`), what the
position check of `reading_replica()` costs, and the home page (figures computed on every
request: KTTT_FIGURE_CACHE=0) with and without DATABASE_REPLICA_URL.
"""

import os
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.changes.test_replica import start_replica
from tests.pg import Cluster, find_bindir

KTTT = str(Path(sys.executable).parent / "kttt")

SCRIPT = r"""
import os, statistics, time
from django.contrib.auth import get_user_model
from django.db import connections
from django.test import Client
from kttt.changes.services import data_changed
replica = "replica" in connections.settings
# The clusters run with tests/pg.py's FAST options (fsync and synchronous_commit off); the
# writes here commit as a production server does, flushing their WAL at commit.
with connections["default"].cursor() as cursor:
    cursor.execute("SET synchronous_commit = on")
if replica:
    from kttt.changes.replica import caught_up
    lags = []
    for _ in range(50):
        data_changed()
        began = time.perf_counter()
        while not caught_up():
            pass
        lags.append((time.perf_counter() - began) * 1000)
    checks = []
    for _ in range(200):
        began = time.perf_counter()
        caught_up()
        checks.append((time.perf_counter() - began) * 1000)
    print(f"replay after a write: median {statistics.median(lags):.1f} ms, "
          f"max {max(lags):.1f} ms; position check: median {statistics.median(checks):.2f} ms")
client = Client()
client.force_login(get_user_model().objects.get(username="tonghop"))
client.get("/")
times = []
for _ in range(20):
    began = time.perf_counter()
    assert client.get("/").status_code == 200
    times.append((time.perf_counter() - began) * 1000)
print(f"home page {'with' if replica else 'without'} the replica: "
      f"median {statistics.median(times):.0f} ms")
"""


def main() -> None:
    bindir = find_bindir()
    assert bindir is not None, "PostgreSQL 15 not found"
    primary = Cluster(bindir)
    replica = None
    try:
        primary.start()
        replica = start_replica(primary, bindir)
        var = tempfile.mkdtemp(prefix="kttt-replica-bench-")
        env = {
            **os.environ,
            "DATABASE_URL": primary.url,
            "KTTT_VAR_DIR": var,
            "KTTT_FIGURE_CACHE": "0",
            "KTTT_FIGURE_REFRESH": "0",
            "DEBUG": "true",
        }
        run = [KTTT, "shell", "-c", SCRIPT]
        subprocess.run([KTTT, "migrate", "-v", "0"], env=env, check=True)  # noqa: S603
        subprocess.run(  # noqa: S603
            [KTTT, "load_demo", "--password", "Bench-replica-2025"],
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
        )
        subprocess.run(run, env=env, check=True)  # noqa: S603
        subprocess.run(run, env={**env, "DATABASE_REPLICA_URL": replica.url}, check=True)  # noqa: S603
    finally:
        if replica is not None:
            replica.remove()
        primary.remove()


if __name__ == "__main__":
    main()
