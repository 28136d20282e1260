"""Plan work as it is done: activities under tasks, their evidence files, and the
cooperatives' links with enterprises (liên kết chuỗi giá trị). One function per write."""

import datetime as dt
import zipfile
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import IO, Any, cast

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from kttt.lib.errors import Refusal
from kttt.lib.numbers import format_number
from kttt.plans.models import (
    Activity,
    ActivityStatus,
    EnterpriseLink,
    EvidenceFile,
    Task,
)
from kttt.plans.units import UnitError, check_activity_unit
from kttt.registry.models import Entity
from kttt.registry.services import save_yearly


class ActivityError(Refusal):
    """A write refused by a rule; the message is Vietnamese."""


ACTIVITY_FIELDS = (
    "task",
    "unit",
    "kind",
    "title",
    "start_date",
    "end_date",
    "place",
    "status",
    "participants",
    "participants_coop",
    "cost",
    "fund_source",
    "result",
)


def _check_activity(values: Mapping[str, Any], activity: Activity | None = None) -> None:
    task: Task = values["task"]
    plan = task.plan
    start, end = values["start_date"], values["end_date"]
    if end < start:
        raise ActivityError(_("Ngày kết thúc trước ngày bắt đầu."))
    first, last = dt.date(plan.start_year, 1, 1), dt.date(plan.end_year, 12, 31)
    if start < first or end > last:
        raise ActivityError(
            _("Hoạt động phải nằm trong kỳ của đề án (%(start)s–%(end)s).")
            % {"start": plan.start_year, "end": plan.end_year}
        )
    participants, coop = values.get("participants"), values.get("participants_coop")
    if participants is not None and coop is not None and coop > participants:
        raise ActivityError(_("Số cán bộ, thành viên HTX nhiều hơn tổng số người tham gia."))
    cost = values.get("cost")
    if cost is not None and cost < 0:
        raise ActivityError(_("Kinh phí không được âm."))
    source = values.get("fund_source")
    if source is not None and source.plan_id != plan.pk:
        raise ActivityError(_("Nguồn kinh phí không thuộc đề án của nhiệm vụ."))
    if values.get("status") == ActivityStatus.DONE and start > timezone.localdate():
        raise ActivityError(_("Hoạt động chưa bắt đầu không thể đã hoàn thành."))
    try:
        check_activity_unit(unit=values["unit"], start=start, end=end, activity=activity)
    except UnitError as exc:
        raise ActivityError(str(exc)) from None


@transaction.atomic
def save_activity(
    *,
    values: Mapping[str, Any],
    cooperatives: Iterable[Entity] = (),
    activity: Activity | None = None,
) -> Activity:
    _check_activity(values, activity)
    if activity is None:
        activity = Activity.objects.create(
            **{f: values.get(f) for f in ACTIVITY_FIELDS if f in values}
        )
    else:
        for f in ACTIVITY_FIELDS:
            if f in values:
                setattr(activity, f, values[f])
        activity.save(update_fields=[f for f in ACTIVITY_FIELDS if f in values] + ["updated_at"])
    activity.cooperatives.set(list(cooperatives))
    return activity


# --- evidence files --------------------------------------------------------------------------

ALLOWED = {
    ".pdf": "application/pdf",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def sniff(head: bytes, stream: IO[bytes], extension: str) -> bool:
    """Does the content match the extension? Checked on the bytes, not the name or the
    browser's word, so a renamed program is refused."""
    if extension == ".pdf":
        return head.startswith(b"%PDF-")
    if extension in (".jpg", ".jpeg"):
        return head.startswith(b"\xff\xd8\xff")
    if extension == ".png":
        return head.startswith(b"\x89PNG\r\n\x1a\n")
    if extension in (".docx", ".xlsx"):
        if not head.startswith(b"PK\x03\x04"):
            return False
        try:
            with zipfile.ZipFile(stream) as archive:
                names = set(archive.namelist())
        except zipfile.BadZipFile:
            return False
        part = "word/document.xml" if extension == ".docx" else "xl/workbook.xml"
        return "[Content_Types].xml" in names and part in names
    return False


@transaction.atomic
def add_evidence(*, activity: Activity, upload: UploadedFile, user: Any = None) -> EvidenceFile:
    name = (upload.name or "").rsplit("/", 1)[-1].rsplit("\\", 1)[-1]
    extension = ("." + name.rsplit(".", 1)[-1].lower()) if "." in name else ""
    if extension not in ALLOWED:
        raise ActivityError(_("Chỉ nhận tệp PDF, ảnh JPG/PNG, Word (.docx) hoặc Excel (.xlsx)."))
    size = upload.size or 0
    if size == 0:
        raise ActivityError(_("Tệp rỗng."))
    limit = settings.KTTT_EVIDENCE_MAX_BYTES
    if size > limit:
        raise ActivityError(
            _("Tệp lớn quá %(mb)s MB.") % {"mb": format_number(Decimal(limit) / 1048576, 1)}
        )
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    if not sniff(head, cast(IO[bytes], upload), extension):
        raise ActivityError(_("Nội dung tệp không đúng với loại %(ext)s.") % {"ext": extension})
    upload.seek(0)
    evidence = EvidenceFile(
        activity=activity,
        original_name=name[:255],
        content_type=ALLOWED[extension],
        size=size,
        uploaded_by=user if getattr(user, "pk", None) else None,
    )
    # Stored under MEDIA_ROOT (outside the web root) with a generated name; served by a view.
    evidence.file.save(f"{activity.pk}{extension}", upload, save=False)
    evidence.save()
    return evidence


# --- enterprise links --------------------------------------------------------------------------

LINK_FIELDS = (
    "enterprise",
    "product",
    "contract_date",
    "end_date",
    "value",
    "exports_via_ma_lu_thang",
    "note",
)


@transaction.atomic
def save_link(
    *, entity: Entity, values: Mapping[str, Any], link: EnterpriseLink | None = None
) -> EnterpriseLink:
    end, start = values.get("end_date"), values["contract_date"]
    if end is not None and end < start:
        raise ActivityError(_("Ngày kết thúc hợp đồng trước ngày ký."))
    if start < entity.established_on:
        raise ActivityError(_("Ngày hợp đồng trước ngày thành lập HTX."))
    value = values.get("value")
    if value is not None and value < 0:
        raise ActivityError(_("Giá trị hợp đồng không được âm."))
    if link is None:
        return EnterpriseLink.objects.create(
            entity=entity, **{f: values.get(f) for f in LINK_FIELDS if f in values}
        )
    for f in LINK_FIELDS:
        if f in values:
            setattr(link, f, values[f])
    link.save(update_fields=[f for f in LINK_FIELDS if f in values])
    return link


def links_in_force(year: int) -> Q:
    """Links that ran for at least a day of `year`."""
    return Q(contract_date__lte=dt.date(year, 12, 31)) & (
        Q(end_date__isnull=True) | Q(end_date__gte=dt.date(year, 1, 1))
    )


def value_chain_from_links(entities: QuerySet[Entity], year: int) -> set[int]:
    """Ids of the entities that had a link with an enterprise in force during `year`: the
    yearly value-chain flag derived from the contracts rather than typed."""
    return set(
        EnterpriseLink.objects.filter(links_in_force(year), entity__in=entities).values_list(
            "entity_id", flat=True
        )
    )


@transaction.atomic
def delete_evidence(*, evidence: EvidenceFile) -> None:
    """Remove the row, then the stored file once the transaction has committed (a rollback
    must not leave a row whose file is gone)."""
    storage, name = evidence.file.storage, evidence.file.name
    evidence.delete()
    if name:
        transaction.on_commit(lambda: storage.delete(name))


@transaction.atomic
def delete_link(*, link: EnterpriseLink) -> None:
    link.delete()


def value_chain_changes(entity: Entity) -> list[tuple[int, bool, bool]]:
    """(year, recorded flag, flag derived from the links in force that year) for each of
    the entity's yearly rows whose flag differs from its links."""
    reports = list(entity.reports.order_by("year").values_list("year", "value_chain"))
    links = list(entity.enterprise_links.values_list("contract_date", "end_date"))
    changes = []
    for year, recorded in reports:
        first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
        derived = any(start <= last and (end is None or end >= first) for start, end in links)
        if bool(recorded) != derived:
            changes.append((year, bool(recorded), derived))
    return changes


@transaction.atomic
def derive_value_chain(*, entity: Entity, user: Any = None, source: str = "web") -> list[int]:
    """Set the value-chain flag of the entity's yearly rows from its links in force each
    year, through the registry's save_yearly so that every change is audited. Returns the
    years changed."""
    changed = []
    approved = set(entity.reports.filter(status="approved").values_list("year", flat=True))
    for year, _recorded, derived in value_chain_changes(entity):
        # A derived flag leaves the row's approval as it was (a draft stays a draft).
        save_yearly(
            entity=entity,
            year=year,
            values={"value_chain": derived},
            user=user,
            source=source,
            approve=year in approved,
        )
        changed.append(year)
    return changed
