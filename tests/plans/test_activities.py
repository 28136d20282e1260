"""Activities, evidence files and enterprise links: the rules below the pages."""

import datetime as dt
import io
import zipfile
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from kttt.plans import activities
from kttt.plans.activities import ActivityError
from kttt.plans.models import Activity, EvidenceFile, ImplementingUnit, Plan, Task
from kttt.registry.models import Entity
from tests.factories import entity

pytestmark = pytest.mark.django_db
D = dt.date


@pytest.fixture
def task():
    plan = Plan.objects.create(
        name="P", area_code="109", start_year=2021, end_year=2025, baseline_year=2021
    )
    return Task.objects.create(
        plan=plan, code="III.3.b", title="Bồi dưỡng", start_year=2021, end_year=2025
    )


@pytest.fixture
def unit():
    return ImplementingUnit.objects.create(name="Phòng Tài chính - Kế hoạch", kind="department")


def values(task, unit, **extra):
    return {
        "task": task,
        "unit": unit,
        "kind": "training",
        "title": "Tập huấn",
        "start_date": D(2022, 3, 1),
        "end_date": D(2022, 3, 3),
        "status": "done",
        **extra,
    }


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"end_date": D(2022, 2, 1)}, "trước ngày bắt đầu"),
        ({"start_date": D(2020, 12, 1)}, "trong kỳ của đề án"),
        ({"end_date": D(2026, 1, 1)}, "trong kỳ của đề án"),
        ({"participants": 10, "participants_coop": 11}, "nhiều hơn tổng số người"),
        ({"cost": Decimal(-1)}, "không được âm"),
    ],
)
def test_it_refuses_an_impossible_activity(task, unit, extra, message):
    with pytest.raises(ActivityError, match=message):
        activities.save_activity(values=values(task, unit, **extra))
    assert not Activity.objects.exists()


def test_it_links_supported_cooperatives(task, unit, phong_tho):
    coop = entity("A", phong_tho.tt_phong_tho)
    activity = activities.save_activity(
        values=values(task, unit, participants=30, participants_coop=12), cooperatives=[coop]
    )
    assert list(coop.activities.all()) == [activity]


def docx_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("bien-ban.pdf", b"%PDF-1.7\n..."),
        ("anh.JPG", b"\xff\xd8\xff\xe0rest"),
        ("anh.png", b"\x89PNG\r\n\x1a\nrest"),
        ("bao-cao.docx", docx_bytes()),
    ],
)
def test_it_stores_evidence_whose_content_matches_its_type(
    task, unit, settings, tmp_path, name, content
):
    settings.MEDIA_ROOT = tmp_path
    activity = activities.save_activity(values=values(task, unit))
    evidence = activities.add_evidence(activity=activity, upload=SimpleUploadedFile(name, content))
    assert evidence.original_name == name
    assert evidence.size == len(content)
    assert (tmp_path / evidence.file.name).read_bytes() == content


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("virus.exe", b"MZ\x90\x00", "Chỉ nhận tệp PDF"),
        ("bien-ban.pdf", b"MZ\x90\x00 a renamed program", "không đúng với loại .pdf"),
        ("bao-cao.docx", b"PK\x03\x04 not really a zip", "không đúng với loại .docx"),
        ("trong.pdf", b"", "Tệp rỗng"),
        ("lon.pdf", b"%PDF-" + b"x" * 2000, "lớn quá"),
    ],
)
def test_it_refuses_evidence_that_is_not_what_it_says(
    task, unit, settings, tmp_path, name, content, message
):
    settings.MEDIA_ROOT = tmp_path
    settings.KTTT_EVIDENCE_MAX_BYTES = 1024
    activity = activities.save_activity(values=values(task, unit))
    with pytest.raises(ActivityError, match=message):
        activities.add_evidence(activity=activity, upload=SimpleUploadedFile(name, content))
    assert not EvidenceFile.objects.exists()
    assert not any(tmp_path.rglob("*.*"))


def test_it_derives_the_value_chain_flag_from_links_in_force(phong_tho):
    a = entity("A", phong_tho.tt_phong_tho)
    b = entity("B", phong_tho.tt_phong_tho)
    activities.save_link(
        entity=a,
        values={
            "enterprise": "DN",
            "product": "Chè",
            "contract_date": D(2022, 12, 31),
            "end_date": D(2023, 6, 30),
        },
    )
    ids = lambda year: activities.value_chain_from_links(Entity.objects.all(), year)  # noqa: E731
    assert (ids(2021), ids(2022), ids(2023), ids(2024)) == (set(), {a.pk}, {a.pk}, set())
    with pytest.raises(ActivityError, match="trước ngày ký"):
        activities.save_link(
            entity=b,
            values={
                "enterprise": "DN",
                "product": "x",
                "contract_date": D(2022, 1, 1),
                "end_date": D(2021, 1, 1),
            },
        )
