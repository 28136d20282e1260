"""The settings of the reports' issuing agencies, and the register of the reports made."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class ReportKind(models.TextChoices):
    ANNUAL = "annual", _("Báo cáo năm")
    FINAL = "final", _("Báo cáo tổng kết đề án")


class Issuer(models.Model):
    """Who issues the reports of an area (Nghị định 30's header and signature), from a date
    on: after the 2025 reform the report on an ended district is issued by the new level,
    so the same area has one issuer before 01/07/2025 and another after. Without a row,
    the agency is derived from the area (kttt.documents.issuers)."""

    area_code = models.CharField(_("mã địa bàn"), max_length=5)
    valid_from = models.DateField(
        _("áp dụng cho báo cáo từ ngày"),
        null=True,
        blank=True,
        help_text=_("Để trống: áp dụng từ trước tới nay."),
    )
    superior = models.CharField(_("cơ quan chủ quản"), max_length=200, blank=True)
    agency = models.CharField(_("cơ quan ban hành"), max_length=200)
    place = models.CharField(_("địa danh"), max_length=100)
    symbol = models.CharField(
        _("ký hiệu"), max_length=40, default="BC-UBND", help_text=_("Ví dụ: BC-UBND.")
    )
    signer_authority = models.CharField(_("thẩm quyền ký"), max_length=100, blank=True)
    signer_title = models.CharField(_("chức vụ người ký"), max_length=200, blank=True)
    signer_name = models.CharField(_("họ tên người ký"), max_length=100, blank=True)
    recipients = models.TextField(
        _("nơi nhận"), blank=True, help_text=_("Mỗi dòng một nơi nhận; dòng cuối “Lưu: VT, …”.")
    )

    class Meta:
        verbose_name = _("cơ quan ban hành báo cáo")
        verbose_name_plural = _("cơ quan ban hành báo cáo")
        ordering = ["area_code", "valid_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["area_code", "valid_from"], name="issuer_one_per_area_date"
            ),
            models.UniqueConstraint(
                fields=["area_code"],
                condition=Q(valid_from__isnull=True),
                name="issuer_one_undated_per_area",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.area_code}: {self.agency}"


class Report(models.Model):
    """One report made: everything needed to build it again identically (the data aside),
    and the fingerprint of what it said, to tell whether the data changed since."""

    kind = models.CharField(_("loại báo cáo"), max_length=10, choices=ReportKind.choices)
    year = models.PositiveSmallIntegerField(_("năm"), null=True, blank=True)
    area_code = models.CharField(_("mã địa bàn"), max_length=5)
    plan = models.ForeignKey(
        "plans.Plan",
        verbose_name=_("đề án"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reports",
    )
    issued_on = models.DateField(_("ngày báo cáo"))
    number = models.CharField(_("số"), max_length=40, blank=True)
    # The header as it was written (agency, symbol, place, signer, recipients).
    header = models.JSONField(_("phần đầu và nơi nhận"), default=dict)
    # Sections V and VI as the author wrote them.
    problems = models.TextField(_("tồn tại, hạn chế, nguyên nhân"), blank=True)
    directions = models.TextField(_("phương hướng, kiến nghị"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("người lập"),
    )
    created_at = models.DateTimeField(_("lập lúc"), auto_now_add=True)
    # The data's last recorded change when the report was made, and the digest of what it
    # said.
    data_as_of = models.DateTimeField(_("số liệu tính đến"), null=True, blank=True)
    fingerprint = models.CharField(max_length=64)

    class Meta:
        verbose_name = _("báo cáo")
        verbose_name_plural = _("sổ báo cáo")
        ordering = ["-issued_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="final", plan__isnull=False)
                | Q(kind="annual", year__isnull=False),
                name="report_kind_inputs",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.year or ''} {self.area_code}".strip()
