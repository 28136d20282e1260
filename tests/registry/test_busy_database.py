"""SQLite lets one write at a time. An import's check must not hold that lock (other users
keep saving while a large file is checked), and a form save that still finds the database
busy comes back with what the user typed, never a 500.

Real processes on a real database file, as in production: `kttt migrate` and `load_demo`
into a temporary KTTT_VAR_DIR, the `kttt import` command, and gunicorn serving the pages.
Another writer is an sqlite3 connection holding `BEGIN IMMEDIATE`, as any writer does.
On PostgreSQL readers and writers of different rows never wait for each other; what an
import re-checks there is in test_import_meanwhile.py."""

import os
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar
from pathlib import Path

import openpyxl
import pytest

from tests.forms import form_fields
from tests.registry.test_import import HTX_HEADER, htx

pytestmark = pytest.mark.skipif(
    bool(os.environ.get("DATABASE_URL")), reason="SQLite's one write lock (see the docstring)"
)

BIN = Path(sys.executable).parent
PASSWORD = "mat-khau-demo-1"


def kttt(env: dict[str, str], *args: str, timeout: int = 300) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(BIN / "kttt"), *args], env=env, capture_output=True, text=True, timeout=timeout
    )


@pytest.fixture(scope="module")
def install(tmp_path_factory):
    """A demo installation in its own folder (migrated, demo loaded, static files collected)."""
    var = tmp_path_factory.mktemp("var")
    env = {
        **{k: v for k, v in os.environ.items() if k != "DATABASE_URL"},
        "KTTT_VAR_DIR": str(var),
        "KTTT_FIGURE_REFRESH": "0",
        "KTTT_SQLITE_BUSY_TIMEOUT": "1",
    }
    for args in (
        ("migrate", "--noinput", "-v0"),
        ("load_demo", "--password", PASSWORD),
        ("collectstatic", "--noinput", "-v0"),
    ):
        done = kttt(env, *args)
        assert done.returncode == 0, done.stderr
    return env, var / "kttt.sqlite3"


def try_write(database: Path) -> bool:
    """Could another writer take the write lock at once?"""
    other = sqlite3.connect(database, timeout=0, isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")
        other.execute("ROLLBACK")
        return True
    except sqlite3.OperationalError:
        return False
    finally:
        other.close()


def test_checking_a_large_file_leaves_other_writers_free(install, tmp_path):
    env, database = install
    # 20.000 new cooperatives of Thị trấn Phong Thổ (old code 03549), founded in 2018.
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("HTX")
    sheet.append(HTX_HEADER)
    for n in range(20_000):
        sheet.append(htx(code=f"T{n:06d}", name=f"HTX thử {n}", commune="3549"))
    path = tmp_path / "lon.xlsx"
    book.save(path)

    check = subprocess.Popen(
        [str(BIN / "kttt"), "import", "--dry-run", str(path)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    attempts, refused = 0, 0
    while check.poll() is None:
        attempts += 1
        refused += not try_write(database)
        time.sleep(0.02)
    out, err = check.communicate()

    assert check.returncode == 0, err
    assert "HTX: 20.000 tạo mới" in out
    assert attempts >= 50, "the check ended too soon to tell"
    assert refused == 0, f"{refused} of {attempts} writes found the database locked"


class Browser:
    def __init__(self, base: str) -> None:
        self.base = base
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))

    def get(self, path: str) -> tuple[int, str]:
        return self.send(urllib.request.Request(self.base + path))  # noqa: S310 (loopback)

    def post(self, path: str, fields: dict[str, str]) -> tuple[int, str]:
        data = urllib.parse.urlencode(fields).encode()
        request = urllib.request.Request(self.base + path, data=data)  # noqa: S310
        request.add_header("Referer", self.base + path)
        return self.send(request)

    def send(self, request: urllib.request.Request) -> tuple[int, str]:
        try:
            with self.opener.open(request, timeout=60) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read().decode()


@pytest.fixture
def server(install):
    env, database = install
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    process = subprocess.Popen(
        [str(BIN / "gunicorn"), "kttt.wsgi", "--bind", f"127.0.0.1:{port}", "--threads", "2"],
        env={**env, "GUNICORN_CMD_ARGS": ""},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    for _ in range(200):
        try:
            urllib.request.urlopen(base + "/dang-nhap/", timeout=1).close()  # noqa: S310
            break
        except OSError:
            time.sleep(0.1)
    yield base, database
    process.terminate()
    process.wait(timeout=30)


def test_a_save_that_finds_the_database_busy_comes_back_with_the_input(server):
    base, database = server
    office = Browser(base)
    status, page = office.get("/dang-nhap/")
    login = form_fields(page)
    status, page = office.post(
        "/dang-nhap/", {**login, "username": "tonghop", "password": PASSWORD}
    )
    assert status == 200
    assert "Đăng xuất" in page
    # 2024's figures of a cooperative of Thị trấn Phong Thổ (old code 03549).
    address = "/htx/6200000001/so-lieu/2024/"
    status, page = office.get(address)
    assert status == 200
    fields = {**form_fields(page), "members": "77"}

    other = sqlite3.connect(database, timeout=5, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # another write (an import's) holds the lock
    try:
        status, page = office.post(address, fields)
    finally:
        other.execute("ROLLBACK")
        other.close()

    assert status == 400, page[:300]
    assert "Hệ thống đang bận ghi dữ liệu khác" in page
    assert form_fields(page)["members"] == "77"  # what was typed is still there
    check = sqlite3.connect(database)
    members = check.execute(
        "SELECT y.members FROM registry_yearlyreport y JOIN registry_entity e"
        " ON e.id = y.entity_id WHERE e.code = '6200000001' AND y.year = 2024"
    ).fetchone()[0]
    assert members != 77

    status, page = office.post(address, form_fields(page))  # "Lưu" again, lock gone
    assert status == 200
    assert "Đã lưu số liệu năm 2024" in page
    assert check.execute(
        "SELECT y.members FROM registry_yearlyreport y JOIN registry_entity e"
        " ON e.id = y.entity_id WHERE e.code = '6200000001' AND y.year = 2024"
    ).fetchone() == (77,)
