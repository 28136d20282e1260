"""docs/api.md is the OpenAPI document written out (`kttt api_docs`), and its script works:
run against the demo with a token, it finds the plan's section II figures of 2021."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from kttt.api.docs import current

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs" / "api.md"


def test_docs_api_md_is_written_from_the_schema():
    assert DOCS.read_text(encoding="utf-8") == current(), (
        "run `kttt api_docs` and commit docs/api.md"
    )


def the_script() -> str:
    text = DOCS.read_text(encoding="utf-8")
    section = text[text.index("### `GET /api/v1/indicators`") :]
    return re.search(r"```python\n(.*?)```", section, re.S).group(1)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_script_of_docs_api_md_reads_the_demo(live_server, settings, tmp_path):
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    from kttt.accounts.tokens import create_token

    settings.VAR_DIR = tmp_path
    call_command("load_demo", password="x-demo-x", stdout=open(os.devnull, "w"))  # noqa: SIM115
    _token, key = create_token(user=get_user_model().objects.get(username="tonghop"))
    script = tmp_path / "kttt_api.py"
    script.write_text(the_script(), encoding="utf-8")

    run = subprocess.run(
        [sys.executable, str(script)],
        env={**os.environ, "KTTT_URL": live_server.url, "KTTT_TOKEN": key},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    out = run.stdout
    # The plan's section II (seed): 27 HTX in 2021, 213 members, 63.090 triệu đồng of
    # charter capital, an average income of 46,5 triệu đồng a worker a year.
    assert "Năm 2021: 27 HTX đang hoạt động" in out
    assert "Thành viên: 213" in out
    assert "Vốn điều lệ: 63090 triệu đồng" in out
    assert "Thu nhập bình quân: 46.5 triệu đồng/người/năm" in out
    assert re.search(r"^\d+ HTX, tổ hợp tác trong sổ", out, re.M)
