"""`kttt backup DIR` and `kttt restore DIR` (issue 11): the database and the uploaded
evidence files, with a manifest and checksums.

A backup directory holds:

- `database.sqlite3` (SQLite, copied by the online backup API: one consistent snapshot taken
  while the application serves) or `database.dump` (PostgreSQL, `pg_dump -Fc`);
- `media/…`: every file under MEDIA_ROOT but `imports/` (the Excel previews kept between
  upload and confirm, temporary);
- `manifest.json`, written last: the format, KTTT's version, the engine, when, the latest
  applied migration of each app, and each file's relative path, size and SHA-256. A
  directory without it is not a backup (an interrupted run leaves none, and removes what it
  wrote).

Not kept: VAR_DIR/cache (the figures, computed again), VAR_DIR/static (collectstatic writes
it again on restore), VAR_DIR/secret_key and demo-accounts.txt (secrets have no place in a
copy that leaves the machine).

Restore checks everything first (every file's size and checksum, the format, the engine,
migrations this code does not know, an empty target unless `force`), and only then writes:
the database, the files, then `migrate` (a backup of an older version is brought forward)
and `collectstatic`.

It lives in `kttt.changes`, the lowest app, because it reads no model of ours: it copies the
data as a whole.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import json
import os
import shutil
import sqlite3
import subprocess
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path, PurePosixPath
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.cache import caches
from django.core.files.storage import FileSystemStorage, storages
from django.core.management import CommandError, call_command
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.loader import MigrationLoader
from django.utils import timezone
from django.utils.translation import gettext as _

from kttt.lib.errors import Refusal
from kttt.lib.numbers import format_number

FORMAT = 1
MANIFEST = "manifest.json"
SQLITE_FILE = "database.sqlite3"
PG_FILE = "database.dump"
MEDIA = "media"
# Under MEDIA_ROOT, not kept: the uploaded workbooks between preview and confirm.
SKIPPED_MEDIA = frozenset({"imports"})
CHUNK = 1024 * 1024
ENGINES = {
    "django.db.backends.sqlite3": "sqlite",
    "django.db.backends.postgresql": "postgresql",
}
ENGINE_NAMES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}


class BackupError(Refusal):
    pass


@dataclass
class Summary:
    engine: str
    database_bytes: int = 0
    files: int = 0
    file_bytes: int = 0
    migrated: list[str] = field(default_factory=list)
    # The evidence files are not under MEDIA_ROOT (KTTT_STORAGE=s3): not in this backup.
    files_elsewhere: bool = False

    @property
    def total_bytes(self) -> int:
        return self.database_bytes + self.file_bytes


def megabytes(size: int) -> str:
    """A size the Vietnamese way: "1,4 MB", "12,5 KB"."""
    if size < 1024 * 1024:
        return format_number(Decimal(size) / 1024, 1) + " KB"
    return format_number(Decimal(size) / 1048576, 1) + " MB"


def engine_of(alias: str = DEFAULT_DB_ALIAS) -> str:
    engine = settings.DATABASES[alias]["ENGINE"]
    if engine not in ENGINES:
        raise BackupError(_("Không hỗ trợ sao lưu cơ sở dữ liệu %(engine)s.") % {"engine": engine})
    return ENGINES[engine]


def kttt_version() -> str:
    try:
        return importlib.metadata.version("kttt")
    except importlib.metadata.PackageNotFoundError:
        return ""


# --- PostgreSQL tools ------------------------------------------------------------------------


def pg_tool(name: str) -> str:
    """`pg_dump`, `pg_restore` or `psql`: in PG_BINDIR (default /usr/lib/postgresql/15/bin), else on
    PATH."""
    candidate = Path(settings.PG_BINDIR) / name
    if candidate.is_file() and os.access(candidate, os.X_OK):
        return str(candidate)
    found = shutil.which(name)
    if found is None:
        raise BackupError(
            _(
                "Không tìm thấy %(tool)s (trong %(dir)s hoặc PATH): cài postgresql-client "
                "hoặc đặt PG_BINDIR."
            )
            % {"tool": name, "dir": settings.PG_BINDIR}
        )
    return found


def pg_env(alias: str = DEFAULT_DB_ALIAS) -> dict[str, str]:
    """The connection of DATABASE_URL as libpq's variables (the password never on a command
    line)."""
    db: dict[str, Any] = dict(settings.DATABASES[alias])
    env = dict(os.environ)
    for key, var in (
        ("HOST", "PGHOST"),
        ("PORT", "PGPORT"),
        ("USER", "PGUSER"),
        ("PASSWORD", "PGPASSWORD"),
        ("NAME", "PGDATABASE"),
    ):
        if db.get(key):
            env[var] = str(db[key])
    sslmode = db.get("OPTIONS", {}).get("sslmode")
    if sslmode:
        env["PGSSLMODE"] = str(sslmode)
    return env


def run_pg(command: list[str], alias: str = DEFAULT_DB_ALIAS) -> None:
    result = subprocess.run(  # noqa: S603 - PostgreSQL's own tools, our arguments
        command, env=pg_env(alias), capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise BackupError(
            _("%(tool)s thất bại: %(error)s")
            % {"tool": Path(command[0]).name, "error": (result.stderr or result.stdout).strip()}
        )


# --- files ------------------------------------------------------------------------------------


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        while chunk := stream.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def copy_hashed(source: Path, target: Path) -> tuple[int, str]:
    """Copy one file, hashing what was written; the size and SHA-256 of the copy."""
    digest, size = hashlib.sha256(), 0
    target.parent.mkdir(parents=True, exist_ok=True)
    with source.open("rb") as src, target.open("wb") as dst:
        while chunk := src.read(CHUNK):
            dst.write(chunk)
            digest.update(chunk)
            size += len(chunk)
    shutil.copystat(source, target)
    return size, digest.hexdigest()


def media_files(root: Path) -> Iterator[Path]:
    """The files under MEDIA_ROOT to keep, sorted; links and the skipped folders left out."""
    if not root.is_dir():
        return
    for folder, dirs, files in os.walk(root):
        here = Path(folder)
        if here == root:
            dirs[:] = [d for d in dirs if d not in SKIPPED_MEDIA]
        dirs.sort()
        for name in sorted(files):
            path = here / name
            if path.is_file() and not path.is_symlink():
                yield path


def entry(path: Path, relative: str) -> dict[str, Any]:
    return {"path": relative, "size": path.stat().st_size, "sha256": sha256_of(path)}


# --- backup -----------------------------------------------------------------------------------


def applied_migrations(alias: str = DEFAULT_DB_ALIAS, sqlite_file: Path | None = None) -> dict:
    """The latest applied migration of each app (by name: they are numbered)."""
    if sqlite_file is not None:
        with sqlite3.connect(f"file:{sqlite_file}?mode=ro", uri=True) as db:
            rows = db.execute("SELECT app, name FROM django_migrations").fetchall()
        db.close()
    else:
        with connections[alias].cursor() as cursor:
            cursor.execute("SELECT app, name FROM django_migrations")
            rows = cursor.fetchall()
    latest: dict[str, str] = {}
    for app, name in rows:
        latest[app] = max(latest.get(app, ""), name)
    return dict(sorted(latest.items()))


def backup_sqlite(target: Path) -> None:
    source_path = Path(settings.DATABASES[DEFAULT_DB_ALIAS]["NAME"])
    if not source_path.is_file():
        raise BackupError(_("Không có cơ sở dữ liệu %(path)s.") % {"path": source_path})
    source = sqlite3.connect(f"file:{source_path}?mode=ro", uri=True, timeout=20)
    copy = sqlite3.connect(target)
    try:
        # One step: a read transaction over the whole copy, so a consistent snapshot even
        # while the application writes (WAL: writers are not held up).
        source.backup(copy)
        # A single self-contained file (the source's WAL mode would be copied with it).
        copy.execute("PRAGMA journal_mode=DELETE")
    finally:
        copy.close()
        source.close()


def backup_postgresql(target: Path) -> None:
    run_pg([pg_tool("pg_dump"), "--format=custom", "--no-owner", "--no-acl", f"--file={target}"])


def _check_target(directory: Path) -> bool:
    """Whether DIR is to be created; refuses a non-empty or unwritable one."""
    if directory.exists():
        if not directory.is_dir():
            raise BackupError(_("%(dir)s không phải là thư mục.") % {"dir": directory})
        if any(directory.iterdir()):
            raise BackupError(
                _("Thư mục %(dir)s không trống: mỗi bản sao lưu cần một thư mục mới hoặc trống.")
                % {"dir": directory}
            )
        if not os.access(directory, os.W_OK | os.X_OK):
            raise BackupError(_("Không ghi được vào thư mục %(dir)s.") % {"dir": directory})
        return False
    return True


def backup(directory: Path, now: Callable[[], Any] = timezone.now) -> Summary:
    """Write a backup into `directory` (created; must be empty). On any failure what was
    written is removed and BackupError raised."""
    engine = engine_of()
    created = _check_target(directory)
    try:
        directory.mkdir(parents=True, exist_ok=True)
        if created:  # it holds every account's password hash: for its owner only
            directory.chmod(0o700)
    except OSError as exc:
        raise BackupError(
            _("Không tạo được thư mục %(dir)s: %(error)s")
            % {"dir": directory, "error": exc.strerror or exc}
        ) from None
    summary = Summary(engine=engine)
    try:
        created_at = now()
        if engine == "sqlite":
            database = directory / SQLITE_FILE
            backup_sqlite(database)
            migrations = applied_migrations(sqlite_file=database)
        else:
            database = directory / PG_FILE
            migrations = applied_migrations()
            backup_postgresql(database)
        files = [entry(database, database.name)]
        summary.database_bytes = files[0]["size"]
        media_root = Path(settings.MEDIA_ROOT)
        summary.files_elsewhere = not isinstance(storages["default"], FileSystemStorage)
        for path in media_files(media_root):
            relative = path.relative_to(media_root).as_posix()
            try:
                size, digest = copy_hashed(path, directory / MEDIA / relative)
            except FileNotFoundError:  # removed since it was listed
                continue
            files.append({"path": f"{MEDIA}/{relative}", "size": size, "sha256": digest})
            summary.files += 1
            summary.file_bytes += size
        manifest = {
            "format": FORMAT,
            "kttt_version": kttt_version(),
            "engine": engine,
            "created_at": created_at.isoformat(),
            "migrations": migrations,
            "files": files,
        }
        # Last, and atomically: a directory with a manifest is a whole backup.
        partial = directory / (MANIFEST + ".part")
        partial.write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
        partial.replace(directory / MANIFEST)
    except BaseException as exc:
        _remove_contents(directory, remove_dir=created)
        if isinstance(exc, OSError):
            raise BackupError(
                _("Sao lưu thất bại, không giữ lại gì: %(error)s")
                % {"error": f"{exc.strerror or exc} ({exc.filename})" if exc.filename else exc}
            ) from None
        if isinstance(exc, DatabaseError):
            raise BackupError(
                _("Không đọc được cơ sở dữ liệu, không giữ lại gì: %(error)s")
                % {"error": str(exc).strip()}
            ) from None
        if isinstance(exc, sqlite3.Error):
            raise BackupError(
                _("Sao lưu thất bại, không giữ lại gì: %(error)s") % {"error": exc}
            ) from None
        raise
    return summary


def _remove_contents(directory: Path, *, remove_dir: bool) -> None:
    if remove_dir:
        shutil.rmtree(directory, ignore_errors=True)
        return
    for child in directory.iterdir() if directory.is_dir() else []:
        if child.is_dir() and not child.is_symlink():
            shutil.rmtree(child, ignore_errors=True)
        else:
            child.unlink(missing_ok=True)


# --- restore ----------------------------------------------------------------------------------


def read_manifest(directory: Path) -> dict[str, Any]:
    if not directory.is_dir():
        raise BackupError(_("Không có thư mục %(dir)s.") % {"dir": directory})
    path = directory / MANIFEST
    if not path.is_file():
        raise BackupError(
            _(
                "%(dir)s không có manifest.json: không phải bản sao lưu KTTT, hoặc bản sao lưu "
                "chưa ghi xong."
            )
            % {"dir": directory}
        )
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError):
        raise BackupError(_("manifest.json không đọc được (hỏng).")) from None
    if not isinstance(manifest, dict) or not isinstance(manifest.get("format"), int):
        raise BackupError(_("manifest.json không đúng định dạng."))
    if manifest["format"] > FORMAT:
        raise BackupError(
            _(
                "Bản sao lưu có định dạng %(found)s, mới hơn định dạng phiên bản KTTT này đọc "
                "được (%(known)s): hãy khôi phục bằng KTTT %(version)s trở lên."
            )
            % {
                "found": manifest["format"],
                "known": FORMAT,
                "version": manifest.get("kttt_version") or "mới hơn",
            }
        )
    if manifest.get("engine") not in ENGINE_NAMES or not isinstance(manifest.get("files"), list):
        raise BackupError(_("manifest.json không đúng định dạng."))
    return manifest


def _safe_relative(text: Any) -> PurePosixPath:
    path = PurePosixPath(str(text))
    if path.is_absolute() or ".." in path.parts or not path.parts or "\\" in str(text):
        raise BackupError(
            _("manifest.json ghi một đường dẫn không hợp lệ: %(path)s") % {"path": text}
        )
    return path


def verify(directory: Path, manifest: dict[str, Any]) -> list[PurePosixPath]:
    """Every file of the manifest is there with its size and checksum; the paths, in order."""
    paths = []
    for item in manifest["files"]:
        if not isinstance(item, dict):
            raise BackupError(_("manifest.json không đúng định dạng."))
        relative = _safe_relative(item.get("path"))
        path = directory / relative
        if not path.is_file():
            raise BackupError(_("Thiếu tệp %(path)s của bản sao lưu.") % {"path": relative})
        if path.stat().st_size != item.get("size") or sha256_of(path) != item.get("sha256"):
            raise BackupError(
                _("Tệp %(path)s không khớp tổng kiểm (SHA-256): bản sao lưu đã bị sửa hoặc hỏng.")
                % {"path": relative}
            )
        paths.append(relative)
    return paths


def unknown_migrations(manifest: dict[str, Any]) -> list[str]:
    """The backup's latest migrations this code does not have (a backup of a newer KTTT)."""
    loader = MigrationLoader(None, ignore_no_migrations=True)
    known = set(loader.disk_migrations)
    return [
        f"{app}.{name}"
        for app, name in sorted(manifest.get("migrations", {}).items())
        if app in loader.migrated_apps and (app, name) not in known
    ]


def database_has_data(alias: str = DEFAULT_DB_ALIAS) -> bool:
    """Whether the configured database holds an installation: any account, cooperative or
    plan. (A freshly migrated database has units and successions, loaded by migrations, and
    counts as empty.)"""
    if engine_of(alias) == "sqlite" and not Path(settings.DATABASES[alias]["NAME"]).is_file():
        return False
    connection = connections[alias]
    tables = set(connection.introspection.table_names())
    for label in (settings.AUTH_USER_MODEL, "registry.Entity", "plans.Plan"):
        model = apps.get_model(label)
        if model._meta.db_table in tables and model._default_manager.using(alias).exists():
            return True
    return False


def media_has_files(paths: list[PurePosixPath]) -> list[str]:
    """The backup's files that already exist under MEDIA_ROOT with other content."""
    root = Path(settings.MEDIA_ROOT)
    clashes = []
    for relative in paths:
        if relative.parts[0] != MEDIA:
            continue
        target = root.joinpath(*relative.parts[1:])
        if target.exists():
            clashes.append(str(PurePosixPath(*relative.parts[1:])))
    return clashes


def restore_sqlite(source_path: Path) -> None:
    target_path = Path(settings.DATABASES[DEFAULT_DB_ALIAS]["NAME"])
    target_path.parent.mkdir(parents=True, exist_ok=True)
    connections.close_all()
    source = sqlite3.connect(f"file:{source_path}?mode=ro", uri=True)
    target = sqlite3.connect(target_path, timeout=20)
    try:
        # The backup API into the configured file: it takes the write lock, so a server still
        # running sees either the old or the new database, never half of each.
        source.backup(target)
    finally:
        target.close()
        source.close()


def restore_postgresql(source_path: Path) -> None:
    """pg_restore's script, run by psql in one transaction after dropping every table of the
    configured database: the database becomes exactly the backup's (a table a newer version
    added is gone too), or, on any error, stays as it was."""
    connection = connections[DEFAULT_DB_ALIAS]
    with connection.cursor():
        tables = connection.introspection.table_names()
    connections.close_all()
    prelude = "SET client_min_messages = warning;\n"
    if tables:
        names = ", ".join(connection.ops.quote_name(t) for t in tables)
        prelude += f"DROP TABLE IF EXISTS {names} CASCADE;\n"
    env = pg_env()
    with tempfile.TemporaryFile() as restore_errors, tempfile.TemporaryFile() as psql_errors:
        psql = subprocess.Popen(  # noqa: S603 - PostgreSQL's own tools, our arguments
            [pg_tool("psql"), "--no-psqlrc", "--quiet", "--single-transaction",
             "--set=ON_ERROR_STOP=1", "--file=-"],
            stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=psql_errors, env=env,
        )  # fmt: skip
        script = subprocess.Popen(  # noqa: S603
            [pg_tool("pg_restore"), "--clean", "--if-exists", "--no-owner", "--no-acl",
             "--file=-", str(source_path)],
            stdout=subprocess.PIPE, stderr=restore_errors, env=env,
        )  # fmt: skip
        assert psql.stdin is not None
        assert script.stdout is not None
        try:
            psql.stdin.write(prelude.encode())
            shutil.copyfileobj(script.stdout, psql.stdin, CHUNK)
            psql.stdin.close()
        except BrokenPipeError:  # psql stopped at an error: its message says which
            pass
        script.stdout.close()
        failed = [
            (name, errors)
            for name, process, errors in (
                ("pg_restore", script, restore_errors),
                ("psql", psql, psql_errors),
            )
            if process.wait() != 0
        ]
        if failed:
            name, errors = failed[-1]
            errors.seek(0)
            raise BackupError(
                _("%(tool)s thất bại, cơ sở dữ liệu không đổi: %(error)s")
                % {"tool": name, "error": errors.read().decode(errors="replace").strip()}
            )


def pending_migrations() -> list[str]:
    executor = MigrationExecutor(connections[DEFAULT_DB_ALIAS])
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    return [f"{migration.app_label}.{migration.name}" for migration, _backwards in plan]


def restore(directory: Path, *, force: bool = False, static: bool = True) -> Summary:
    """Restore the backup in `directory` into the configured database and MEDIA_ROOT, then
    migrate and collect the static files. Nothing is written before every check passed."""
    manifest = read_manifest(directory)
    engine = engine_of()
    if manifest["engine"] != engine:
        raise BackupError(
            _(
                "Bản sao lưu là của %(backup)s, cơ sở dữ liệu đang cấu hình là %(here)s: "
                "chỉ khôi phục được vào cùng loại cơ sở dữ liệu."
            )
            % {"backup": ENGINE_NAMES[manifest["engine"]], "here": ENGINE_NAMES[engine]}
        )
    paths = verify(directory, manifest)
    database_file = SQLITE_FILE if engine == "sqlite" else PG_FILE
    if PurePosixPath(database_file) not in paths:
        raise BackupError(_("Bản sao lưu không có tệp %(file)s.") % {"file": database_file})
    newer = unknown_migrations(manifest)
    if newer:
        raise BackupError(
            _(
                "Bản sao lưu từ phiên bản KTTT mới hơn (có các migration chưa có ở đây: "
                "%(names)s): hãy cập nhật KTTT trước khi khôi phục."
            )
            % {"names": ", ".join(newer)}
        )
    try:
        has_data = database_has_data()
    except DatabaseError as exc:
        raise BackupError(
            _("Không kết nối được cơ sở dữ liệu đang cấu hình: %(error)s")
            % {"error": str(exc).strip()}
        ) from None
    if not force:
        if has_data:
            raise BackupError(
                _(
                    "Cơ sở dữ liệu đang cấu hình đã có dữ liệu (tài khoản, HTX hoặc đề án): "
                    "không ghi đè. Dùng --force để thay toàn bộ bằng bản sao lưu."
                )
            )
        clashes = media_has_files(paths)
        if clashes:
            raise BackupError(
                _("MEDIA_ROOT đã có tệp %(file)s: không ghi đè. Dùng --force để ghi đè.")
                % {"file": clashes[0]}
            )

    summary = Summary(engine=engine)
    source = directory / database_file
    summary.database_bytes = source.stat().st_size
    if engine == "sqlite":
        restore_sqlite(source)
    else:
        restore_postgresql(source)
    media_root = Path(settings.MEDIA_ROOT)
    for relative in paths:
        if relative.parts[0] != MEDIA:
            continue
        size, _digest = copy_hashed(directory / relative, media_root.joinpath(*relative.parts[1:]))
        summary.files += 1
        summary.file_bytes += size
    # The figures kept are keyed on the data's version, which came back with the database;
    # dropped anyway, since nothing else of this installation's past should be served.
    caches["figures"].clear()
    try:
        summary.migrated = pending_migrations()
        if summary.migrated:
            call_command("migrate", interactive=False, verbosity=0)
        if static:
            call_command("collectstatic", interactive=False, verbosity=0)
    except (OSError, DatabaseError, CommandError) as exc:
        raise BackupError(
            _(
                "Đã khôi phục cơ sở dữ liệu và tệp, nhưng migrate hoặc collectstatic thất bại: "
                "%(error)s. Sửa lỗi rồi chạy kttt migrate và kttt collectstatic."
            )
            % {"error": str(exc).strip()}
        ) from None
    return summary
