"""`kttt backup DIR` and `kttt restore DIR` (issue 11), through the real command line.

The demo is loaded into one installation (its own KTTT_VAR_DIR, and under PostgreSQL its own
database), evidence files are attached to three of its activities, it is backed up and
restored into an empty installation (another KTTT_VAR_DIR, another database of the same
cluster), and every table (every row, every column) and every file (bytes) are compared.
The engine is the one of DATABASE_URL: SQLite by default, PostgreSQL under
`python -m tests.pg -- pytest tests/changes/test_backup.py`.
"""

import json
import os
import resource
import shutil
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

KTTT = str(Path(sys.executable).parent / "kttt")
URL = os.environ.get("DATABASE_URL", "")
PG = URL.startswith(("postgres://", "postgresql://"))
PASSWORD = "Sao-luu-2025-demo"

# Three evidence files attached to the demo's first three activities: a PDF, a PNG, and a
# 3 MB PDF (big enough that a 2 MB file-size limit stops the backup in the middle).
EVIDENCE = {
    "bien-ban.pdf": b"%PDF-1.4\n" + b"bien ban nghiem thu\n" * 50,
    "anh.png": b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4,
    "lon.pdf": b"%PDF-1.4\n" + os.urandom(3 * 1024 * 1024),
}

ATTACH = """
import os
from pathlib import Path
from django.core.files.uploadedfile import SimpleUploadedFile
from kttt.plans.activities import add_evidence
from kttt.plans.models import Activity
folder = Path(os.environ["EVIDENCE_DIR"])
activities = list(Activity.objects.order_by("pk")[:3])
for activity, name in zip(activities, sorted(os.listdir(folder))):
    add_evidence(activity=activity, upload=SimpleUploadedFile(name, (folder / name).read_bytes()))
"""

# Every table of every model (auto-created many-to-many tables too) and the migrations
# applied: all rows, all columns, sorted.
DUMP = """
import json, os
from django.apps import apps
from django.db import connection
tables = {m._meta.db_table for m in apps.get_models(include_auto_created=True)}
tables.add("django_migrations")
out = {}
with connection.cursor() as cursor:
    for table in sorted(tables):
        cursor.execute("SELECT * FROM " + connection.ops.quote_name(table))
        columns = [c[0] for c in cursor.description]
        rows = sorted(json.dumps(list(r), default=str) for r in cursor.fetchall())
        out[table] = {"columns": columns, "rows": rows}
Path = __import__("pathlib").Path
Path(os.environ["DUMP_TO"]).write_text(json.dumps(out, ensure_ascii=False))
"""

# The restored installation serves: the home page as the demo's district official (the
# static files' manifest is needed to render it: DEBUG is off) and an evidence file.
SERVE = """
from django.contrib.auth import get_user_model
from django.test import Client
from kttt.plans.models import EvidenceFile
client = Client()
client.force_login(get_user_model().objects.get(username="tonghop"))
home = client.get("/")
evidence = EvidenceFile.objects.order_by("pk").first()
got = client.get(f"/thuc-hien/hoat-dong/{evidence.activity_id}/minh-chung/{evidence.pk}/")
print(home.status_code, "Phong Thổ" in home.content.decode(), got.status_code,
      b"".join(got.streaming_content) == evidence.file.open("rb").read())
"""

ADD_SINCE = """
from django.db import connection
from kttt.registry.models import Entity
with connection.cursor() as cursor:
    cursor.execute("CREATE TABLE kttt_added_since (id integer)")
Entity.objects.filter(code="THT-PT-001").update(name="Đổi tên sau khi sao lưu")
"""
TABLES = """
from django.db import connection
print("kttt_added_since" in connection.introspection.table_names())
"""


def run(env: dict[str, str], *args: str, **kwargs: Any) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [KTTT, *args], env=env, capture_output=True, text=True, check=False, **kwargs
    )


def ok(env: dict[str, str], *args: str) -> str:
    result = run(env, *args)
    assert result.returncode == 0, result.stderr
    return result.stdout


class Databases:
    """Throwaway databases on the cluster of DATABASE_URL (PostgreSQL only)."""

    def __init__(self) -> None:
        self.names: list[str] = []

    def _admin(self, sql: str) -> None:
        import psycopg

        with psycopg.connect(URL, autocommit=True) as conn:
            conn.execute(sql)

    def new(self) -> str:
        name = f"kttt_backup_{uuid.uuid4().hex[:8]}"
        self._admin(f"CREATE DATABASE \"{name}\" TEMPLATE template0 ENCODING 'UTF8'")
        self.names.append(name)
        return URL.rsplit("/", 1)[0] + "/" + name

    def drop(self) -> None:
        for name in self.names:
            self._admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="module")
def databases() -> Iterator[Databases]:
    dbs = Databases()
    yield dbs
    if PG:
        dbs.drop()


def place(root: Path, name: str, databases: Databases) -> dict[str, str]:
    """The environment of an installation of its own: a KTTT_VAR_DIR and a database."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PYTEST"))}
    env.pop("DATABASE_URL", None)
    env.pop("MEDIA_ROOT", None)
    env.pop("STATIC_ROOT", None)
    env.update(KTTT_VAR_DIR=str(root / name), DEBUG="false", KTTT_FIGURE_REFRESH="0")
    if PG:
        env["DATABASE_URL"] = databases.new()
    return env


def dump(env: dict[str, str], to: Path) -> dict[str, Any]:
    ok({**env, "DUMP_TO": str(to)}, "shell", "-c", DUMP)
    return json.loads(to.read_text())


def files_under(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


@pytest.fixture(scope="module")
def original(tmp_path_factory: pytest.TempPathFactory, databases: Databases) -> dict[str, Any]:
    """The demo with three evidence files and a stale import preview, and its backup."""
    root = tmp_path_factory.mktemp("backup")
    env = place(root, "original", databases)
    ok(env, "migrate", "--noinput", "-v", "0")
    ok(env, "load_demo", "--password", PASSWORD)
    evidence = root / "evidence"
    evidence.mkdir()
    for name, content in EVIDENCE.items():
        (evidence / name).write_bytes(content)
    ok({**env, "EVIDENCE_DIR": str(evidence)}, "shell", "-c", ATTACH)
    imports = root / "original" / "media" / "imports"
    imports.mkdir(parents=True)
    (imports / "preview.xlsx").write_bytes(b"PK\x03\x04 temporary")
    backup_dir = root / "the-backup"
    summary = ok(env, "backup", str(backup_dir))
    return {"root": root, "env": env, "backup": backup_dir, "summary": summary}


def test_backup_then_restore_into_an_empty_place_gives_the_same_tables_and_files(
    original: dict[str, Any], databases: Databases
) -> None:
    root, backup_dir = original["root"], original["backup"]
    engine = "PostgreSQL" if PG else "SQLite"
    assert original["summary"].startswith(f"Đã sao lưu vào {backup_dir}: cơ sở dữ liệu {engine} ")
    assert ", 3 tệp minh chứng 3 MB; tổng " in original["summary"]

    assert backup_dir.stat().st_mode & 0o777 == 0o700
    manifest = json.loads((backup_dir / "manifest.json").read_text())
    assert manifest["format"] == 1
    assert manifest["engine"] == ("postgresql" if PG else "sqlite")
    assert manifest["migrations"]["registry"].startswith("00")
    paths = [f["path"] for f in manifest["files"]]
    assert paths[0] == ("database.dump" if PG else "database.sqlite3")
    # The three evidence files, and not the import preview.
    assert sorted(Path(p).suffix for p in paths[1:]) == [".pdf", ".pdf", ".png"]
    assert all(p.startswith("media/evidence/") for p in paths[1:])

    restored = place(root, "restored", databases)
    out = ok(restored, "restore", str(backup_dir))
    assert out.startswith(f"Đã khôi phục từ {backup_dir}: cơ sở dữ liệu {engine} ")
    assert "3 tệp minh chứng 3 MB." in out

    before = dump(original["env"], root / "before.json")
    after = dump(restored, root / "after.json")
    assert sorted(before) == sorted(after)
    for table in before:
        assert before[table] == after[table], table
    # The comparison is not vacuous. The demo declares 27 HTX of 2021 (COOPS_2021), 6 founded
    # 2022-2025, 1 after the reform, and 3 THT: 37 entities; and the three evidence rows.
    assert len(before["registry_entity"]["rows"]) == 27 + 6 + 1 + 3
    assert len(before["plans_evidencefile"]["rows"]) == 3

    media_before = files_under(root / "original" / "media")
    media_after = files_under(root / "restored" / "media")
    assert "imports/preview.xlsx" in media_before
    del media_before["imports/preview.xlsx"]
    assert media_after == media_before
    assert sorted(len(b) for b in media_after.values()) == sorted(len(b) for b in EVIDENCE.values())

    # The restored copy serves: the home page (static files collected) and the evidence.
    assert (root / "restored" / "static" / "staticfiles.json").is_file()
    assert ok(restored, "shell", "-c", SERVE).splitlines()[-1].split() == [
        "200",
        "True",
        "200",
        "True",
    ]

    # Restoring again over it is refused (it has data now) unless --force.
    again = run(restored, "restore", str(backup_dir))
    assert again.returncode == 1
    assert "đã có dữ liệu" in again.stderr
    assert "--force" in again.stderr
    assert "Traceback" not in again.stderr
    # With --force the database becomes exactly the backup's: a table added since (as by a
    # newer version's migration) and a cooperative added since are gone.
    ok(restored, "shell", "-c", ADD_SINCE)
    assert ok(restored, "shell", "-c", TABLES).splitlines()[-1] == "True"
    ok(restored, "restore", "--force", str(backup_dir))
    assert dump(restored, root / "again.json") == before
    assert ok(restored, "shell", "-c", TABLES).splitlines()[-1] == "False"


def copy_of(backup_dir: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "copy"
    shutil.copytree(backup_dir, copy)
    return copy


def refused(result: subprocess.CompletedProcess[str], *words: str) -> None:
    assert result.returncode == 1, result.stdout + result.stderr
    for word in words:
        assert word in result.stderr
    assert "Traceback" not in result.stderr


def nothing_restored(env: dict[str, str]) -> None:
    var = Path(env["KTTT_VAR_DIR"])
    assert not (var / "kttt.sqlite3").exists()
    assert not (var / "media").exists()
    if PG:
        tables = ok(env, "shell", "-c", "from django.db import connection; "
                    "print(len(connection.introspection.table_names()))")  # fmt: skip
        assert tables.splitlines()[-1] == "0"


def test_a_tampered_file_is_named_and_nothing_is_restored(
    original: dict[str, Any], databases: Databases, tmp_path: Path
) -> None:
    copy = copy_of(original["backup"], tmp_path)
    manifest = json.loads((copy / "manifest.json").read_text())
    png = next(f["path"] for f in manifest["files"] if f["path"].endswith(".png"))
    data = bytearray((copy / png).read_bytes())
    data[100] ^= 1  # one bit, same size
    (copy / png).write_bytes(bytes(data))
    target = place(tmp_path, "target", databases)
    result = run(target, "restore", str(copy))
    refused(result, f"Tệp {png} không khớp tổng kiểm")
    nothing_restored(target)


def test_a_missing_manifest_or_one_of_a_newer_format_is_refused(
    original: dict[str, Any], databases: Databases, tmp_path: Path
) -> None:
    copy = copy_of(original["backup"], tmp_path)
    target = place(tmp_path, "target", databases)
    manifest = copy / "manifest.json"
    text = manifest.read_text()
    manifest.unlink()
    refused(run(target, "restore", str(copy)), "không có manifest.json")
    manifest.write_text(json.dumps({**json.loads(text), "format": 2, "kttt_version": "9.0"}))
    refused(run(target, "restore", str(copy)), "có định dạng 2", "KTTT 9.0 trở lên")
    newer = json.loads(text)
    newer["migrations"]["registry"] = "9999_from_the_future"
    manifest.write_text(json.dumps(newer))
    refused(run(target, "restore", str(copy)), "registry.9999_from_the_future")
    # A manifest naming a file outside the backup is refused before anything is read.
    escape = json.loads(text)
    escape["files"][1]["path"] = "media/../../outside.pdf"
    manifest.write_text(json.dumps(escape))
    refused(run(target, "restore", str(copy)), "đường dẫn không hợp lệ")
    nothing_restored(target)


def test_a_backup_into_a_non_empty_or_unwritable_directory_is_refused(
    original: dict[str, Any], tmp_path: Path
) -> None:
    env = original["env"]
    busy = tmp_path / "busy"
    busy.mkdir()
    (busy / "note.txt").write_text("keep me")
    refused(run(env, "backup", str(busy)), "không trống")
    assert [p.name for p in busy.iterdir()] == ["note.txt"]

    a_file = tmp_path / "a-file"
    a_file.write_text("")
    refused(run(env, "backup", str(a_file / "backup")), "Không tạo được thư mục")
    if os.geteuid() != 0:  # root writes anywhere
        locked = tmp_path / "locked"
        locked.mkdir(mode=0o500)
        refused(run(env, "backup", str(locked)), "Không ghi được")


def _small_files() -> None:
    # 2 MB per file written: the database (about 1 MB) fits, the 3 MB evidence file not.
    resource.setrlimit(resource.RLIMIT_FSIZE, (2 * 1024 * 1024, 2 * 1024 * 1024))


def test_a_backup_that_fails_half_way_leaves_nothing_that_looks_complete(
    original: dict[str, Any], tmp_path: Path
) -> None:
    target = tmp_path / "full-disk"
    result = run(original["env"], "backup", str(target), preexec_fn=_small_files)
    refused(result, "Sao lưu thất bại, không giữ lại gì")
    assert not target.exists()
    # Into an existing empty directory: emptied again, the directory kept.
    target.mkdir()
    result = run(original["env"], "backup", str(target), preexec_fn=_small_files)
    refused(result, "Sao lưu thất bại")
    assert list(target.iterdir()) == []


def test_a_backup_is_not_restored_into_another_engine(
    original: dict[str, Any], tmp_path: Path
) -> None:
    copy = copy_of(original["backup"], tmp_path)
    manifest = json.loads((copy / "manifest.json").read_text())
    manifest["engine"] = "sqlite" if PG else "postgresql"
    (copy / "manifest.json").write_text(json.dumps(manifest))
    env = {**original["env"], "KTTT_VAR_DIR": str(tmp_path / "other")}
    here, there = ("PostgreSQL", "SQLite") if PG else ("SQLite", "PostgreSQL")
    refused(
        run(env, "restore", str(copy)),
        f"Bản sao lưu là của {there}, cơ sở dữ liệu đang cấu hình là {here}",
    )


def test_a_missing_database_is_refused_and_leaves_nothing(
    original: dict[str, Any], tmp_path: Path
) -> None:
    env = {**original["env"], "KTTT_VAR_DIR": str(tmp_path / "nothing-here")}
    if PG:
        env["DATABASE_URL"] = URL.rsplit("/", 1)[0] + "/kttt_no_such_database"
    target = tmp_path / "backup"
    result = run(env, "backup", str(target))
    refused(result, "Không có cơ sở dữ liệu" if not PG else "Không đọc được cơ sở dữ liệu")
    assert not target.exists()
    if PG:  # restoring needs the configured database to exist (SQLite creates its file)
        result = run(env, "restore", str(original["backup"]))
        refused(result, "Không kết nối được cơ sở dữ liệu đang cấu hình")
