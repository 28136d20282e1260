"""The read replica (issue 11, docs/deployment.md "Scaling out"), on two real PostgreSQL 15
clusters on loopback: a primary, and a streaming replica made from it by `pg_basebackup -R`.

KTTT runs as a separate process (`kttt shell -c`) with DATABASE_URL on the primary and
DATABASE_REPLICA_URL on the replica, so its settings add the alias and the router exactly as
in production. Which database a query went to is read with CaptureQueriesContext on
connections["default"] and connections["replica"].

Runs in the PostgreSQL run (`python -m tests.pg -- pytest tests/changes/test_replica.py`),
where the server programs are known to be there; the clusters are its own.
"""

import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.pg import FAST, Cluster, ClusterError, find_bindir, free_port

KTTT = str(Path(sys.executable).parent / "kttt")
URL = os.environ.get("DATABASE_URL", "")
BINDIR = find_bindir()

pytestmark = pytest.mark.skipif(
    not URL.startswith(("postgres://", "postgresql://")) or BINDIR is None,
    reason="the PostgreSQL run (python -m tests.pg) starts its own clusters",
)

# What KTTT does against the two clusters; prints one JSON object on its last line.
CHECK = r"""
import json, time
from django.contrib.auth import get_user_model
from django.db import connections, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from kttt.changes.replica import caught_up, reading_replica
from kttt.changes.services import data_changed
from kttt.indicators.engine import compute
from kttt.registry.models import YearlyReport

def wait_caught_up():
    for _ in range(300):
        if caught_up():
            return True
        time.sleep(0.1)
    return False

def on_each(action):
    with CaptureQueriesContext(connections["default"]) as primary, \
         CaptureQueriesContext(connections["replica"]) as replica:
        value = action()
    return value, [q["sql"] for q in primary], [q["sql"] for q in replica]

out = {"caught_up": wait_caught_up()}
client = Client()
client.force_login(get_user_model().objects.get(username="tonghop"))

# The home page and the indicator page: the figures come from the replica.
for name, path in (("home", "/"), ("indicators", "/chi-tieu/?year=2021&area=109")):
    response, primary, replica = on_each(lambda: client.get(path))
    out[name] = {
        "status": response.status_code,
        "replica": len(replica),
        "replica_reads_version": any("changes_change" in q for q in replica),
        "replica_reads_yearly": any("registry_yearlyreport" in q for q in replica),
        "primary_reads_yearly": any("registry_yearlyreport" in q for q in primary),
    }

# The same figures on both, with nothing kept between calls.
from django.conf import settings
settings.KTTT_FIGURE_CACHE = False
def members():
    return compute(2021, "109", with_checks=False)["indicators"]["members"]
out["members_primary"] = members()
wait_caught_up()  # the log-in above wrote (the session, last_login)
with reading_replica() as used:
    value, primary, replica = on_each(members)
out["members_replica"] = {"used": used, "value": value, "primary": len(primary),
                          "replica": len(replica)}

# Inside a write transaction, reads stay on the primary.
def in_transaction():
    with transaction.atomic(), reading_replica() as used:
        return used, members()
(used, value), primary, replica = on_each(in_transaction)
out["atomic"] = {"used": used, "replica": len(replica), "primary": len(primary)}

# After a write inside a block, the block's reads go to the primary.
def write_then_read():
    with reading_replica() as used:
        data_changed()
        return used, members()
(used, value), primary, replica = on_each(write_then_read)
# (the replica's one query here is the block's own position check)
out["after_write"] = {"used": used, "replica": [q for q in replica if "pg_is_in_recovery" not in q]}

# A replica behind the primary is not read: replay paused, then 5 members added to one
# 2021 row on the primary; the block reads the primary and sees them at once.
with connections["replica"].cursor() as cursor:
    cursor.execute("SELECT pg_wal_replay_pause()")
row = YearlyReport.objects.filter(year=2021, members__isnull=False).order_by("pk").first()
row.members += 5
row.save()
with reading_replica() as used:
    value, primary, replica = on_each(members)
out["lagging"] = {"used": used, "value": value, "replica": len(replica)}
with connections["replica"].cursor() as cursor:
    cursor.execute("SELECT pg_wal_replay_resume()")
out["caught_up_again"] = wait_caught_up()
with reading_replica() as used:
    value, primary, replica = on_each(members)
out["resumed"] = {"used": used, "value": value, "replica": len(replica)}
print(json.dumps(out))
"""

# The replica stopped: the pages are served from the primary.
DOWN = r"""
import json
from django.contrib.auth import get_user_model
from django.test import Client
from kttt.changes.replica import reading_replica
client = Client()
client.force_login(get_user_model().objects.get(username="tonghop"))
with reading_replica() as used:
    pass
print(json.dumps({"used": used, "home": client.get("/").status_code}))
"""


def start_replica(primary: Cluster, bindir: Path) -> Cluster:
    replica = Cluster(bindir)
    replica.dir = Path(tempfile.mkdtemp(prefix="kttt-pg-replica-"))
    if replica.as_postgres:
        shutil.chown(replica.dir, "postgres", "postgres")
    # -R writes standby.signal and primary_conninfo: the copy starts as a streaming replica.
    replica._run(
        "pg_basebackup", "--pgdata", str(replica.data), "--write-recovery-conf",
        "--wal-method=stream", "--no-sync", "--checkpoint=fast",
        "--host", "127.0.0.1", "--port", str(primary.port), "--username", "kttt",
    )  # fmt: skip
    replica.port = free_port()
    options = f"-c listen_addresses=127.0.0.1 -p {replica.port} -k {replica.dir} {FAST}"
    replica._run(
        "pg_ctl", "start", "--pgdata", str(replica.data), "--wait", "--timeout", "60",
        "--log", str(replica.dir / "server.log"), "-o", options,
    )  # fmt: skip
    replica.started = True
    return replica


@pytest.fixture(scope="module")
def clusters() -> Iterator[tuple[Cluster, Cluster]]:
    assert BINDIR is not None
    primary = Cluster(BINDIR)
    replica: Cluster | None = None
    try:
        primary.start()
        replica = start_replica(primary, BINDIR)
        yield primary, replica
    except ClusterError as error:
        pytest.fail(f"PostgreSQL clusters: {error}")
    finally:
        if replica is not None:
            replica.remove()
        primary.remove()


def kttt(env: dict[str, str], *args: str) -> str:
    result = subprocess.run([KTTT, *args], env=env, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_dashboards_read_the_replica_when_it_has_caught_up(
    clusters: tuple[Cluster, Cluster], tmp_path: Path
) -> None:
    primary, replica = clusters
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PYTEST"))}
    env.update(
        DATABASE_URL=primary.url,
        DATABASE_REPLICA_URL=replica.url,
        KTTT_VAR_DIR=str(tmp_path),
        KTTT_FIGURE_REFRESH="0",
        DEBUG="true",  # static files through the finders: no collectstatic needed
    )
    kttt(env, "migrate", "--noinput", "-v", "0")
    kttt(env, "load_demo", "--password", "Ban-sao-doc-2025")
    out: dict[str, Any] = json.loads(kttt(env, "shell", "-c", CHECK).splitlines()[-1])

    assert out["caught_up"] is True
    for page in ("home", "indicators"):
        assert out[page]["status"] == 200
        # The data's version and the yearly figures read from the replica, not the primary.
        assert out[page]["replica_reads_version"] is True, page
        assert out[page]["replica_reads_yearly"] is True, page
        assert out[page]["primary_reads_yearly"] is False, page

    # DOMAIN.md §8: the plan's section II, 2021, Huyện Phong Thổ: 213 members; the replica
    # gives the primary's figure, every query of it on the replica but the position check.
    assert out["members_primary"] == 213
    assert out["members_replica"]["used"] is True
    assert out["members_replica"]["value"] == 213
    assert out["members_replica"]["replica"] > 0
    assert out["members_replica"]["primary"] == 0

    assert out["atomic"]["used"] is False
    assert out["atomic"]["replica"] == 0
    assert out["after_write"]["used"] is True  # decided at the start of the block ...
    assert out["after_write"]["replica"] == []  # ... but after the write, all on the primary

    # Replay paused, 5 members added on the primary: read from the primary, 213 + 5.
    assert out["lagging"]["used"] is False
    assert out["lagging"]["replica"] == 0
    assert out["lagging"]["value"] == 213 + 5
    # Replay resumed: the replica has the write and is read again.
    assert out["caught_up_again"] is True
    assert out["resumed"]["used"] is True
    assert out["resumed"]["value"] == 213 + 5
    assert out["resumed"]["replica"] > 0

    # The replica stopped: the pages are served from the primary.
    replica._run("pg_ctl", "stop", "--pgdata", str(replica.data), "--mode", "fast")
    replica.started = False
    down = json.loads(kttt(env, "shell", "-c", DOWN).splitlines()[-1])
    assert down == {"used": False, "home": 200}
