"""The installation itself: the `kttt` command and a production configuration that passes
Django's deployment checks."""

import os
import secrets
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

# `make install` puts the console script beside the interpreter running the tests.
KTTT = shutil.which("kttt", path=str(Path(sys.executable).parent))


def inherited() -> dict[str, str]:
    """This process's environment, less what other tests set for themselves (the browser
    tests allow Django's sync calls from Playwright's event loop)."""
    return {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}


def kttt(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    assert KTTT is not None, "no `kttt` command in the virtual environment: run `make install`"
    return subprocess.run(
        [KTTT, *args], capture_output=True, text=True, check=False, stdin=subprocess.DEVNULL,
        env={**inherited(), **(env or {})}, timeout=120,
    )  # fmt: skip


def test_it_installs_the_kttt_command():
    assert KTTT is not None


@pytest.mark.parametrize("command", ["import", "export", "createuser", "load_demo"])
def test_it_lists_our_commands_in_kttt_help(command):
    result = kttt("help", "--commands")

    assert result.returncode == 0, result.stderr
    assert command in result.stdout.split()


def test_it_passes_the_deployment_checks_with_production_settings():
    """Only the two warnings that the documented nginx configuration handles (HTTPS redirect
    and HSTS, docs/installation.md) may remain."""
    production = {
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "KTTT_REQUIRE_SECRET_KEY": "true",
        "ALLOWED_HOSTS": "kttt.example.gov.vn",
        "CSRF_TRUSTED_ORIGINS": "https://kttt.example.gov.vn",
        "SECURE_COOKIES": "true",
    }
    result = kttt("check", "--deploy", env=production)

    assert result.returncode == 0, result.stderr
    reported = {line.split()[1] for line in result.stderr.splitlines() if line.startswith("?: (")}
    assert reported <= {"(security.W004)", "(security.W008)"}, result.stderr


def test_it_refuses_to_start_in_production_without_a_secret_key():
    result = kttt(
        "check", env={"DEBUG": "false", "SECRET_KEY": "", "KTTT_REQUIRE_SECRET_KEY": "true"}
    )

    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr
