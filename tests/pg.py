"""Run one command against a throwaway PostgreSQL 15 cluster:

    python -m tests.pg -- pytest -n auto

The cluster lives in a temporary directory, listens only on 127.0.0.1 (a free port) and on a
Unix socket in that directory, trusts local connections, and is stopped and deleted when the
command ends, fails or is interrupted. The command gets DATABASE_URL for a UTF8 database
owned by a superuser, so pytest-django can create its test databases (one per xdist worker).

As root, initdb refuses to run: the server then runs as the `postgres` system user (which
Debian's postgresql-15 package creates). Environment: PG_BINDIR (default
/usr/lib/postgresql/15/bin). Outside CI a missing PostgreSQL is reported and skipped; with
CI=true it is an error.
"""

import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from types import FrameType

PG_VERSION = "15"
DEFAULT_BINDIR = f"/usr/lib/postgresql/{PG_VERSION}/bin"
USER = "kttt"
DATABASE = "kttt"
# Durability is pointless for a cluster deleted in minutes; without it tests run faster.
FAST = "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"


class ClusterError(RuntimeError):
    pass


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Cluster:
    def __init__(self, bindir: Path) -> None:
        self.bindir = bindir
        self.as_postgres = os.geteuid() == 0
        self.dir: Path | None = None
        self.port = 0
        self.started = False

    @property
    def data(self) -> Path:
        assert self.dir is not None
        return self.dir / "data"

    @property
    def url(self) -> str:
        return f"postgres://{USER}@127.0.0.1:{self.port}/{DATABASE}"

    def _run(self, *args: str) -> None:
        command = [str(self.bindir / args[0]), *args[1:]]
        if self.as_postgres:
            command = ["runuser", "-u", "postgres", "--", *command]
        result = subprocess.run(command, capture_output=True, text=True, check=False)
        if result.returncode != 0:
            raise ClusterError(f"{' '.join(args[:2])} failed:\n{result.stdout}{result.stderr}")

    def start(self) -> None:
        self.dir = Path(tempfile.mkdtemp(prefix="kttt-pg-"))
        if self.as_postgres:
            try:
                pwd.getpwnam("postgres")
            except KeyError:
                raise ClusterError(
                    "running as root needs the `postgres` system user: "
                    "apt-get install postgresql-15 creates it"
                ) from None
            shutil.chown(self.dir, "postgres", "postgres")
        self._run(
            "initdb", "--pgdata", str(self.data), "--username", USER, "--auth", "trust",
            "--encoding", "UTF8", "--locale", "C.UTF-8", "--no-sync", "--no-instructions",
        )  # fmt: skip
        for attempt in range(3):  # another process may take the free port before we bind it
            self.port = free_port()
            options = f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.dir} {FAST}"
            try:
                self._run(
                    "pg_ctl", "start", "--pgdata", str(self.data), "--wait", "--timeout", "60",
                    "--log", str(self.dir / "server.log"), "-o", options,
                )  # fmt: skip
                break
            except ClusterError:
                if attempt == 2:
                    raise ClusterError(self._log()) from None
        self.started = True
        self._run(
            "createdb", "-h", str(self.dir), "-p", str(self.port), "-U", USER,
            "--template", "template0", "--encoding", "UTF8", "--locale", "C.UTF-8", DATABASE,
        )  # fmt: skip

    def stop(self) -> None:
        """Stops the server, keeping its data (tests/test_database_faults.py: a database
        that goes away under a running KTTT)."""
        self._run("pg_ctl", "stop", "--pgdata", str(self.data), "--mode", "fast", "--wait")
        self.started = False

    def start_again(self) -> None:
        """Starts a stopped server on the same port and data."""
        assert self.dir is not None
        options = f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.dir} {FAST}"
        self._run(
            "pg_ctl", "start", "--pgdata", str(self.data), "--wait", "--timeout", "60",
            "--log", str(self.dir / "server.log"), "-o", options,
        )  # fmt: skip
        self.started = True

    def _log(self) -> str:
        assert self.dir is not None
        log = self.dir / "server.log"
        return log.read_text(errors="replace") if log.exists() else "(no server log)"

    def remove(self) -> None:
        if self.started:
            try:
                self._run("pg_ctl", "stop", "--pgdata", str(self.data), "--mode", "immediate")
            except ClusterError as error:
                print(f"tests.pg: {error}", file=sys.stderr)
            self.started = False
        if self.dir is not None:
            shutil.rmtree(self.dir, ignore_errors=True)
            self.dir = None


def find_bindir() -> Path | None:
    bindir = Path(os.environ.get("PG_BINDIR", DEFAULT_BINDIR))
    needed = ("initdb", "pg_ctl", "postgres", "createdb")
    return bindir if all((bindir / name).is_file() for name in needed) else None


def _raise_exit(signum: int, _frame: FrameType | None) -> None:
    raise SystemExit(128 + signum)


def main(argv: list[str]) -> int:
    command = argv[1:] if argv[:1] == ["--"] else argv
    if not command:
        print("usage: python -m tests.pg -- COMMAND [ARGS...]", file=sys.stderr)
        return 2
    bindir = find_bindir()
    if bindir is None:
        where = os.environ.get("PG_BINDIR", DEFAULT_BINDIR)
        message = (
            f"PostgreSQL {PG_VERSION} server not found in {where}: "
            f"apt-get install postgresql-{PG_VERSION}"
        )
        if os.environ.get("CI") == "true":
            print(f"ERROR: {message}", file=sys.stderr)
            return 1
        print(f"SKIPPED the PostgreSQL run: {message}", file=sys.stderr)
        return 0

    # A CI timeout or Ctrl+C must still stop and delete the cluster.
    for signum in (signal.SIGTERM, signal.SIGHUP, signal.SIGINT):
        signal.signal(signum, _raise_exit)
    cluster = Cluster(bindir)
    process: subprocess.Popen[bytes] | None = None
    try:
        began = time.monotonic()
        cluster.start()
        print(
            f"==> PostgreSQL {PG_VERSION} cluster ready in {time.monotonic() - began:.1f} s "
            f"at 127.0.0.1:{cluster.port} ({cluster.dir})",
            flush=True,
        )
        process = subprocess.Popen(command, env={**os.environ, "DATABASE_URL": cluster.url})
        return process.wait()
    except ClusterError as error:
        print(f"ERROR: PostgreSQL test cluster: {error}", file=sys.stderr)
        return 1
    finally:
        for signum in (signal.SIGTERM, signal.SIGHUP, signal.SIGINT):
            signal.signal(signum, signal.SIG_IGN)  # a second Ctrl+C must not stop the cleanup
        if process is not None and process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        cluster.remove()
        print("==> PostgreSQL test cluster stopped and removed", flush=True)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
