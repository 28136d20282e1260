"""Issue 11: a database that is missing or down, under a real gunicorn serving kttt.wsgi.

SQLite: the server refuses to start on a missing file; a file moved away while serving makes
the pages answer 503 in Vietnamese and the API its JSON error, without an empty file being
created; moved back, the same server answers again. PostgreSQL (a throwaway cluster of its
own, tests/pg.py): stopped, 503; started again, answered, without restarting gunicorn."""

import http.client
import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.pg import Cluster, find_bindir, free_port

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
UNAVAILABLE_TEXT = "Cơ sở dữ liệu tạm thời không truy cập được"
# A session cookie that names no session: reading it is a query, answered "no such session"
# (a redirect to the log-in page) while the database is there.
NO_SESSION = {"Cookie": "sessionid=khong-co-phien-nao-nhu-the"}


def environment(var: Path, database_url: str | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.pop("KTTT_DATABASE_MUST_EXIST", None)
    env.update({"KTTT_VAR_DIR": str(var), "DEBUG": "false", "KTTT_FIGURE_REFRESH": "0"})
    if database_url:
        env["DATABASE_URL"] = database_url
    return env


def kttt(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        [str(BIN / "kttt"), *args], env=env, cwd=ROOT, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def prepared(env: dict[str, str]) -> str:
    """A migrated database with one administrator; the administrator's API key."""
    kttt(env, "migrate", "--noinput", "--verbosity", "0")
    kttt(env, "createuser", "quantri", "--role", "admin", "--password-env", "KTTT_TEST_PW")
    out = kttt(env, "create_token", "quantri", "--name", "kiểm tra")
    return next(word for word in out.split() if word.startswith("kttt_"))


def gunicorn(env: dict[str, str], port: int) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [str(BIN / "gunicorn"), "kttt.wsgi", "--config", "gunicorn.conf.py",
         "--bind", f"127.0.0.1:{port}", "--workers", "1", "--threads", "2"],
        env=env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip


def ask(port: int, path: str, headers: dict[str, str]) -> tuple[int, dict[str, str], str]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("GET", path, headers=headers)
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read().decode()
    finally:
        connection.close()


@pytest.fixture
def server() -> Iterator[list[subprocess.Popen[str]]]:
    started: list[subprocess.Popen[str]] = []
    yield started
    for process in started:
        if process.poll() is None:
            process.terminate()
            process.wait(timeout=30)


def serving(server, env: dict[str, str]) -> int:
    port = free_port()
    process = gunicorn(env, port)
    server.append(process)
    for _ in range(240):
        if process.poll() is not None:
            pytest.fail(f"gunicorn stopped: {process.stderr.read() if process.stderr else ''}")
        try:
            ask(port, "/dang-nhap/", {})
            return port
        except OSError:
            time.sleep(0.25)
    pytest.fail("gunicorn did not answer within 60 s")


def assert_unavailable(port: int, key: str) -> None:
    status, headers, body = ask(port, "/htx/", NO_SESSION)
    assert status == 503
    assert UNAVAILABLE_TEXT in body
    assert '<html lang="vi">' in body
    assert "Traceback" not in body
    assert "OperationalError" not in body
    assert headers["Retry-After"] == "30"
    status, headers, body = ask(port, "/api/v1/plans", {"Authorization": f"Bearer {key}"})
    assert status == 503
    assert headers["Content-Type"] == "application/json"
    assert json.loads(body) == {
        "code": "unavailable",
        "message": "Cơ sở dữ liệu tạm thời không truy cập được. Vui lòng thử lại sau ít phút.",
    }


def assert_served(port: int, key: str) -> None:
    status, headers, _ = ask(port, "/htx/", NO_SESSION)
    assert (status, headers["Location"]) == (302, "/dang-nhap/?next=/htx/")
    status, _, body = ask(port, "/api/v1/plans", {"Authorization": f"Bearer {key}"})
    assert status == 200
    assert json.loads(body)["count"] == 0  # a fresh database: no plan yet


@pytest.fixture
def password(monkeypatch):
    monkeypatch.setenv("KTTT_TEST_PW", "mat-khau-thu-nghiem-dai")


def test_sqlite_a_missing_file_stops_the_start_and_is_not_created(tmp_path, password):
    env = environment(tmp_path)
    process = gunicorn(env, free_port())
    try:
        _, errors = process.communicate(timeout=120)
    finally:
        if process.poll() is None:
            process.kill()
    database = tmp_path / "kttt.sqlite3"
    assert process.returncode != 0
    assert f"không có tệp cơ sở dữ liệu {database}" in errors
    assert not database.exists()


def test_sqlite_a_file_moved_away_answers_503_then_comes_back(tmp_path, server, password):
    env = environment(tmp_path)
    key = prepared(env)
    port = serving(server, env)
    assert_served(port, key)

    database, away = tmp_path / "kttt.sqlite3", tmp_path / "elsewhere.sqlite3"
    database.rename(away)
    assert_unavailable(port, key)
    assert not database.exists()  # no empty database in its place

    away.rename(database)
    assert_served(port, key)  # the same server, not restarted
    server[0].terminate()
    _, errors = server[0].communicate(timeout=30)
    assert "Service Unavailable: /htx/" in errors  # logged, with its traceback
    assert "unable to open database file" in errors


@pytest.mark.skipif(
    find_bindir() is None and os.environ.get("CI") != "true", reason="no PostgreSQL 15"
)
def test_postgresql_stopped_answers_503_then_comes_back(tmp_path, server, password):
    bindir = find_bindir()
    assert bindir is not None, "PostgreSQL 15 is needed (apt-get install postgresql-15)"
    cluster = Cluster(bindir)
    try:
        cluster.start()
        env = environment(tmp_path, cluster.url)
        key = prepared(env)
        port = serving(server, env)
        assert_served(port, key)

        cluster.stop()
        assert_unavailable(port, key)
        cluster.start_again()
        assert_served(port, key)
    finally:
        cluster.remove()
        shutil.rmtree(tmp_path, ignore_errors=True)
