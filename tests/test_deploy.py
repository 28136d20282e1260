"""Issue 11: what docs/deployment.md promises for production. `kttt check --deploy` is clean
with its "Production settings" block, read from the document itself; `make serve` takes its
gunicorn options from gunicorn.conf.py, which GUNICORN_CMD_ARGS overrides."""

import json
import os
import re
import secrets
import shlex
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def documented_production_env() -> dict[str, str]:
    text = (ROOT / "docs" / "deployment.md").read_text(encoding="utf-8")
    section = text.split("## Production settings", 1)[1]
    block = re.search(r"```sh\n(.*?)```", section, re.DOTALL)
    assert block is not None
    pairs = dict(line.split("=", 1) for line in block.group(1).splitlines() if "=" in line)
    assert pairs["SECRET_KEY"].startswith("<")  # the placeholder, replaced below
    return pairs


def test_check_deploy_is_clean_with_the_documented_production_settings(tmp_path):
    documented = documented_production_env()
    assert documented["DEBUG"] == "false"
    assert documented["SECURE_SSL_REDIRECT"] == "true"
    assert documented["KTTT_TRUSTED_PROXIES"] == "1"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SECURE_", "DATABASE_"))}
    env.update(documented)
    env["SECRET_KEY"] = secrets.token_urlsafe(50)
    env["KTTT_VAR_DIR"] = str(tmp_path)  # the check does not connect to the database
    done = subprocess.run(
        [str(BIN / "kttt"), "check", "--deploy", "--fail-level", "WARNING"],
        env=env, cwd=ROOT, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    assert "System check identified no issues (1 silenced)." in done.stdout


def test_the_proxy_header_is_read_as_django_wants_it(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SECURE_", "DATABASE_"))}
    env.update(SECURE_PROXY_SSL_HEADER="X-Forwarded-Proto", KTTT_VAR_DIR=str(tmp_path))
    probe = "from django.conf import settings; print(settings.SECURE_PROXY_SSL_HEADER)"
    done = subprocess.run(
        [str(BIN / "kttt"), "shell", "-c", probe],
        env=env, cwd=ROOT, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.stdout.strip().splitlines()[-1] == "('HTTP_X_FORWARDED_PROTO', 'https')", (
        done.stderr
    )


def test_check_deploy_warns_with_the_make_run_defaults(tmp_path):
    # The same check on `make run`'s plain-HTTP defaults says what production must turn on.
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SECURE_", "DATABASE_"))}
    env["KTTT_VAR_DIR"] = str(tmp_path)
    done = subprocess.run(
        [str(BIN / "kttt"), "check", "--deploy", "--fail-level", "WARNING"],
        env=env, cwd=ROOT, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode != 0
    for check in ("W004", "W008", "W012", "W016"):  # HSTS, SSL redirect, secure cookies
        assert f"security.{check}" in done.stderr + done.stdout


def gunicorn_settings(extra_env: dict[str, str]) -> dict[str, object]:
    """What gunicorn itself makes of `make serve`'s command line (read from `make -n`) and
    the environment: its own configuration parser, without starting a server."""
    dry = subprocess.run(
        ["make", "-n", "serve", "HOST=127.0.0.1", "PORT=8123"],
        cwd=ROOT, capture_output=True, text=True, check=True,
    )  # fmt: skip
    line = next(x for x in dry.stdout.splitlines() if "gunicorn kttt.wsgi" in x)
    argv = shlex.split(line.split("exec ", 1)[1])[1:]
    probe = (
        "import sys, json\n"
        "from gunicorn.app.wsgiapp import WSGIApplication\n"
        f"sys.argv = ['gunicorn', *{argv!r}]\n"
        "cfg = WSGIApplication('%(prog)s [OPTIONS] [APP_MODULE]').cfg\n"
        "print(json.dumps({k: cfg.settings[k].get() for k in "
        "('workers', 'threads', 'timeout', 'bind', 'accesslog', 'control_socket_disable')}))\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "GUNICORN_CMD_ARGS"}
    env.update(extra_env)
    done = subprocess.run(
        [sys.executable, "-c", probe], env=env, cwd=ROOT, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def test_make_serve_uses_the_projects_gunicorn_defaults():
    assert gunicorn_settings({}) == {
        "workers": 2,
        "threads": 4,
        "timeout": 600,
        "bind": ["127.0.0.1:8123"],
        "accesslog": "-",
        "control_socket_disable": True,
    }


def test_gunicorn_cmd_args_overrides_them():
    got = gunicorn_settings({"GUNICORN_CMD_ARGS": "--workers 3 --threads 1 --timeout 120"})
    assert (got["workers"], got["threads"], got["timeout"]) == (3, 1, 120)
    assert got["bind"] == ["127.0.0.1:8123"]  # the address stays HOST:PORT
