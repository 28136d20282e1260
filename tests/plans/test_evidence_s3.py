"""Evidence files on S3-compatible object storage (KTTT_STORAGE=s3, issue 11), end to end:
KTTT runs as its own process with django-storages' S3 backend against moto's S3 server on
loopback (a real HTTP endpoint speaking the S3 protocol). Upload through the service,
download through the page's view, delete, and `kttt backup`'s note.

django-storages and moto are not dependencies of KTTT: the test is skipped without them
(`.venv/bin/pip install "django-storages[s3]" "moto[server]"`).
"""

import importlib.util
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.pg import free_port

pytestmark = pytest.mark.skipif(
    importlib.util.find_spec("storages") is None or importlib.util.find_spec("moto") is None,
    reason='needs django-storages[s3] and moto[server] (pip install "django-storages[s3]" '
    '"moto[server]")',
)

KTTT = str(Path(sys.executable).parent / "kttt")
BUCKET = "kttt-minh-chung"
PDF = b"%PDF-1.4\n" + b"bien ban nghiem thu tren kho doi tuong\n" * 40

UPLOAD = r"""
import json
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from kttt.plans.activities import add_evidence
from kttt.plans.models import Activity
activity = Activity.objects.order_by("pk").first()
evidence = add_evidence(
    activity=activity, upload=SimpleUploadedFile("bien-ban.pdf", open(PDF_PATH, "rb").read())
)
client = Client()
client.force_login(get_user_model().objects.get(username="tonghop"))
got = client.get(f"/thuc-hien/hoat-dong/{activity.pk}/minh-chung/{evidence.pk}/")
print(json.dumps({"name": evidence.file.name, "status": got.status_code,
                  "body": b"".join(got.streaming_content).decode("latin-1")}))
"""

DELETE = r"""
from kttt.plans.activities import delete_evidence
from kttt.plans.models import EvidenceFile
delete_evidence(evidence=EvidenceFile.objects.get())
"""


@pytest.fixture
def s3() -> Iterator[tuple[str, Any]]:
    import boto3
    from moto.server import ThreadedMotoServer

    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    endpoint = f"http://127.0.0.1:{port}"
    client = boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id="kttt",
        aws_secret_access_key="kttt-secret",
    )
    client.create_bucket(Bucket=BUCKET)
    try:
        yield endpoint, client
    finally:
        server.stop()


def test_evidence_files_are_stored_served_and_deleted_on_s3(
    s3: tuple[str, Any], tmp_path: Path
) -> None:
    endpoint, client = s3
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PYTEST"))}
    env.pop("DATABASE_URL", None)
    env.update(
        KTTT_VAR_DIR=str(tmp_path / "var"),
        KTTT_FIGURE_REFRESH="0",
        KTTT_STORAGE="s3",
        AWS_STORAGE_BUCKET_NAME=BUCKET,
        AWS_S3_ENDPOINT_URL=endpoint,
        AWS_S3_REGION_NAME="us-east-1",
        AWS_ACCESS_KEY_ID="kttt",
        AWS_SECRET_ACCESS_KEY="kttt-secret",
    )

    def kttt(*args: str) -> str:
        result = subprocess.run([KTTT, *args], env=env, capture_output=True, text=True, check=False)
        assert result.returncode == 0, result.stderr
        return result.stdout

    kttt("migrate", "--noinput", "-v", "0")
    kttt("load_demo", "--password", "Kho-doi-tuong-2025")
    (tmp_path / "bien-ban.pdf").write_bytes(PDF)
    out = json.loads(
        kttt(
            "shell", "-c", f"PDF_PATH = {str(tmp_path / 'bien-ban.pdf')!r}\n" + UPLOAD
        ).splitlines()[-1]
    )
    # In the bucket, under the name the row keeps, with the uploaded bytes; not on disk.
    assert out["name"].startswith("evidence/")
    stored = client.get_object(Bucket=BUCKET, Key=out["name"])["Body"].read()
    assert stored == PDF
    media = tmp_path / "var" / "media"
    assert not media.exists() or not any(p.is_file() for p in media.rglob("*"))
    # Served by KTTT's view (access checked there), the same bytes.
    assert out["status"] == 200
    assert out["body"].encode("latin-1") == PDF

    # `kttt backup` says the files are elsewhere, and holds none.
    summary = kttt("backup", str(tmp_path / "backup"))
    assert ", 0 tệp minh chứng " in summary
    assert "không có trong bản sao lưu này" in summary

    kttt("shell", "-c", DELETE)
    assert client.list_objects_v2(Bucket=BUCKET).get("KeyCount") == 0
