"""The registry: cooperatives and cooperative groups, their dated status and location
history, yearly figures and OCOP products (DOMAIN.md §2, §6).

Every range rule of §6 that a database can check is a constraint here, so that the web
forms, the import and the API cannot disagree; the rest lives in `validation.py`.
"""

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from kttt.lib.text import fold, sort_key
from kttt.web.values import MAX_COUNT, MAX_MONEY, MIN_YEAR

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


class Kind(models.TextChoices):
    HTX = "htx", _("Hợp tác xã")
    LHHTX = "lhhtx", _("Liên hiệp hợp tác xã")
    THT = "tht", _("Tổ hợp tác")


class Sector(models.TextChoices):
    NONG_NGHIEP = "nong_nghiep", _("Nông - lâm nghiệp, thủy sản")
    THUONG_MAI_DICH_VU = "thuong_mai_dich_vu", _("Thương mại - dịch vụ")
    XAY_DUNG = "xay_dung", _("Xây dựng, sản xuất vật liệu xây dựng")
    CONG_NGHIEP = "cong_nghiep", _("Công nghiệp, tiểu thủ công nghiệp")
    VAN_TAI = "van_tai", _("Vận tải")
    TIN_DUNG = "tin_dung", _("Quỹ tín dụng nhân dân")
    MOI_TRUONG = "moi_truong", _("Vệ sinh môi trường")
    KHAC = "khac", _("Khác")


class Status(models.TextChoices):
    ACTIVE = "active", _("Đang hoạt động")
    PAUSED = "paused", _("Tạm ngừng hoạt động")
    DISSOLVED = "dissolved", _("Giải thể")
    BANKRUPT = "bankrupt", _("Phá sản")
    REVOKED = "revoked", _("Bị thu hồi giấy chứng nhận")


# A status change to one of these ends the entity (indicator coops_dissolved).
ENDING_STATUSES = (Status.DISSOLVED, Status.BANKRUPT, Status.REVOKED)


class Grade(models.TextChoices):
    TOT = "tot", _("Tốt")
    KHA = "kha", _("Khá")
    TRUNG_BINH = "trung_binh", _("Trung bình")
    YEU = "yeu", _("Yếu")


def default_grade_labels() -> dict[str, str]:
    """The grade names of Thông tư 01/2020/TT-BKHĐT, a new rule's starting point."""
    return {"tot": "Tốt", "kha": "Khá", "trung_binh": "Trung bình", "yeu": "Yếu"}


class GradingRule(models.Model):
    """The legal rule grades are given under (DOMAIN.md §2), recorded by an administrator:
    its validity, the name of each of the four grades under it and which of them count as
    "hoạt động hiệu quả". A yearly row's grade belongs to the rule in force on that year's
    grading date (kttt.registry.grading)."""

    name = models.CharField(_("văn bản quy định"), max_length=200, unique=True)
    valid_from = models.DateField(_("có hiệu lực từ ngày"))
    # The last day in force; blank while in force.
    valid_to = models.DateField(_("ngày cuối cùng còn hiệu lực"), null=True, blank=True)
    # Grade code -> the grade's name under this rule (the import still reads the four words).
    labels = models.JSONField(_("tên các mức xếp loại"), default=default_grade_labels)
    # Grade codes that count as "hoạt động hiệu quả" under this rule.
    effective = models.JSONField(_("mức được tính là hoạt động hiệu quả"), default=list)
    note = models.TextField(_("ghi chú"), blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("người cập nhật"),
    )

    class Meta:
        verbose_name = _("quy định xếp loại")
        verbose_name_plural = _("quy định xếp loại")
        ordering = ["valid_from", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=F("valid_from")),
                name="grading_rule_dates_in_order",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def label(self, code: str) -> str:
        return str(self.labels.get(code) or Grade(code).label)

    @property
    def effective_labels(self) -> str:
        """The effective grades by their names under this rule, in the grades' order."""
        return ", ".join(self.label(g) for g in Grade.values if g in self.effective)


class OcopLevel(models.TextChoices):
    HUYEN = "huyen", _("Huyện")
    TINH = "tinh", _("Tỉnh")
    TRUNG_UONG = "trung_uong", _("Trung ương")


def one_of(
    field: str, choices: type[models.TextChoices], name: str, *, blank: bool = False
) -> models.CheckConstraint:
    """A column holds one of its choices' values (never a label or a short form such as
    "HTX"), checked by the database whatever path wrote it."""
    allowed = [*choices.values, *([""] if blank else [])]
    return models.CheckConstraint(condition=Q(**{f"{field}__in": allowed}), name=name)


class Entity(models.Model):
    """A cooperative (HTX), union of cooperatives (LHHTX) or cooperative group (THT)."""

    code = models.CharField(_("mã số HTX"), max_length=20, unique=True)
    name = models.CharField(_("tên"), max_length=255)
    kind = models.CharField(_("loại hình"), max_length=5, choices=Kind.choices, default=Kind.HTX)
    sector = models.CharField(_("lĩnh vực"), max_length=20, choices=Sector.choices)
    established_on = models.DateField(_("ngày thành lập"))
    is_model_coop = models.BooleanField(_("HTX kiểu mới (QĐ 167)"), default=False)
    address = models.CharField(_("địa chỉ"), max_length=255, blank=True)
    phone = models.CharField(_("điện thoại"), max_length=30, blank=True)
    representative = models.CharField(
        _("người đại diện theo pháp luật"), max_length=120, blank=True
    )
    # The cooperative agreed to appear on the public products page (/gioi-thieu-san-pham/).
    listed_publicly = models.BooleanField(_("đồng ý giới thiệu sản phẩm công khai"), default=False)
    # Derived from name on save: diacritic-free search text and the Vietnamese sort key.
    search_text = models.CharField(max_length=300, editable=False, db_index=True)
    sort_name = models.CharField(max_length=1200, editable=False, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("HTX / THT")
        verbose_name_plural = _("HTX / THT")
        ordering = ["sort_name", "code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(code__regex=r"^[A-Za-z0-9-]{1,20}$"), name="entity_code_format"
            ),
            one_of("kind", Kind, "entity_kind_choice"),
            one_of("sector", Sector, "entity_sector_choice"),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        self.derive()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "name" in update_fields:
            kwargs["update_fields"] = {*update_fields, "search_text", "sort_name"}
        super().save(*args, **kwargs)

    def derive(self) -> None:
        """Fill the derived columns (bulk_create does not call save())."""
        self.search_text = f"{fold(self.name)} {self.code.lower()}"
        self.sort_name = sort_key(self.name)


class StatusChange(models.Model):
    """Status is a dated history. Before its first change an entity is active from its
    establishment date."""

    entity = models.ForeignKey(Entity, on_delete=models.CASCADE, related_name="status_changes")
    status = models.CharField(_("trạng thái"), max_length=10, choices=Status.choices)
    date = models.DateField(_("ngày đổi trạng thái"))
    note = models.CharField(_("ghi chú"), max_length=255, blank=True)
    # Derived: the day before the entity's next status change (kttt.registry.history).
    valid_to = models.DateField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("thay đổi trạng thái")
        verbose_name_plural = _("lịch sử trạng thái")
        ordering = ["entity", "date", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["entity", "date"], name="status_one_per_day"),
            one_of("status", Status, "status_choice"),
        ]
        indexes = [models.Index(fields=["status", "date"])]

    def __str__(self) -> str:
        return f"{self.get_status_display()} {self.date:%d/%m/%Y}"


class Location(models.Model):
    """Where an entity is: the commune-level unit, from `valid_from` until the next row."""

    entity = models.ForeignKey(Entity, on_delete=models.CASCADE, related_name="locations")
    unit = models.ForeignKey(
        "areas.Unit",
        verbose_name=_("xã, phường, thị trấn"),
        on_delete=models.PROTECT,
        related_name="locations",
    )
    valid_from = models.DateField(_("từ ngày"))
    # Derived: the day before the entity's next location row (kttt.registry.history).
    valid_to = models.DateField(null=True, blank=True, editable=False)
    succession = models.ForeignKey(
        "areas.Succession", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    note = models.CharField(_("ghi chú"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("địa bàn")
        verbose_name_plural = _("lịch sử địa bàn")
        ordering = ["entity", "valid_from"]
        constraints = [
            models.UniqueConstraint(fields=["entity", "valid_from"], name="location_one_per_day"),
        ]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.valid_from:%d/%m/%Y}"


def _count(name: "StrOrPromise") -> models.PositiveIntegerField:
    return models.PositiveIntegerField(name, null=True, blank=True)


def _money(name: "StrOrPromise") -> models.DecimalField:
    return models.DecimalField(name, max_digits=16, decimal_places=3, null=True, blank=True)


def _between(field: str, low: object, high: object, label: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=Q(**{f"{field}__isnull": True})
        | Q(**{f"{field}__gte": low, f"{field}__lte": high}),
        name=f"yearly_{label}_range",
    )


# A manager counts once, at the highest level reached (DOMAIN.md §2).
MANAGER_LEVEL_FIELDS = (
    "managers_primary",
    "managers_intermediate",
    "managers_college",
    "managers_university",
)
COUNT_FIELDS = ("members", "workers", "workers_trained", "managers", *MANAGER_LEVEL_FIELDS)
MONEY_FIELDS = ("charter_capital", "revenue", "profit", "income_avg", "tax")
# Every figure of a yearly row, in the template's order (DOMAIN.md §6).
YEARLY_FIELDS = (*COUNT_FIELDS, *MONEY_FIELDS, "grade", "hightech", "value_chain")


class ReviewStatus(models.TextChoices):
    """Where a year's figures stand in their approval (docs/approval.md)."""

    DRAFT = "draft", _("Nháp")
    SUBMITTED = "submitted", _("Đã gửi")
    RETURNED = "returned", _("Trả lại")
    APPROVED = "approved", _("Đã duyệt")


class YearlyReport(models.Model):
    """Số liệu năm: one row per entity and year. A blank figure is unknown, not zero.
    Money is in triệu đồng. Official figures use approved rows only (`status`)."""

    entity = models.ForeignKey(Entity, on_delete=models.CASCADE, related_name="reports")
    year = models.PositiveSmallIntegerField(_("năm"))
    members = _count(_("số thành viên"))
    workers = _count(_("lao động thường xuyên"))
    workers_trained = _count(_("lao động qua đào tạo nghề"))
    managers = _count(_("cán bộ quản lý"))
    # A manager counts once, at the highest level reached.
    managers_primary = _count(_("CBQL sơ cấp"))
    managers_intermediate = _count(_("CBQL trung cấp"))
    managers_college = _count(_("CBQL cao đẳng"))
    managers_university = _count(_("CBQL đại học trở lên"))
    charter_capital = _money(_("vốn điều lệ (triệu đồng)"))
    revenue = _money(_("doanh thu (triệu đồng)"))
    profit = _money(_("lợi nhuận (triệu đồng)"))
    income_avg = _money(_("thu nhập bình quân (triệu đồng/người/năm)"))
    tax = _money(_("nộp ngân sách (triệu đồng)"))
    grade = models.CharField(_("xếp loại"), max_length=10, choices=Grade.choices, blank=True)
    # The rule the grade was given under: the one in force on the year's grading date
    # (kttt.registry.grading keeps it; blank when the row has no grade).
    grading_rule = models.ForeignKey(
        GradingRule,
        verbose_name=_("quy định xếp loại"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reports",
    )
    hightech = models.BooleanField(_("ứng dụng công nghệ cao"), default=False)
    value_chain = models.BooleanField(_("liên kết chuỗi giá trị"), default=False)
    # Approved unless a cooperative's representative or a commune officer wrote it: the
    # writers say which (kttt.registry.services.save_yearly).
    status = models.CharField(
        _("tình trạng duyệt"),
        max_length=10,
        choices=ReviewStatus.choices,
        default=ReviewStatus.APPROVED,
        db_default=ReviewStatus.APPROVED,
    )
    # When the row was first submitted or approved (the on-time reporting rate reads it);
    # blank while it has never left the draft.
    reported_at = models.DateTimeField(_("thời điểm báo cáo"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("số liệu năm")
        verbose_name_plural = _("số liệu năm")
        ordering = ["entity", "-year"]
        constraints = [
            models.UniqueConstraint(fields=["entity", "year"], name="yearly_one_per_year"),
            one_of("grade", Grade, "yearly_grade_choice", blank=True),
            one_of("status", ReviewStatus, "yearly_status_choice"),
            models.CheckConstraint(condition=Q(year__gte=MIN_YEAR), name="yearly_year_min"),
            *[_between(f, 0, MAX_COUNT, f) for f in COUNT_FIELDS],
            *[_between(f, 0, MAX_MONEY, f) for f in MONEY_FIELDS if f != "profit"],
            _between("profit", -MAX_MONEY, MAX_MONEY, "profit"),
            models.CheckConstraint(
                condition=Q(workers_trained__isnull=True)
                | Q(workers__isnull=True)
                | Q(workers_trained__lte=F("workers")),
                name="yearly_trained_le_workers",
            ),
            models.CheckConstraint(
                condition=Q(managers__isnull=True)
                | Q(
                    managers__gte=Coalesce(F("managers_primary"), 0)
                    + Coalesce(F("managers_intermediate"), 0)
                    + Coalesce(F("managers_college"), 0)
                    + Coalesce(F("managers_university"), 0)
                ),
                name="yearly_manager_levels_le_managers",
            ),
        ]
        indexes = [models.Index(fields=["year", "entity"]), models.Index(fields=["status", "year"])]

    def __str__(self) -> str:
        return f"{self.entity} – {self.year}"

    @property
    def locked(self) -> bool:
        """Approved figures are changed only by those who approve."""
        return self.status == ReviewStatus.APPROVED

    @property
    def managers_trained(self) -> int:
        return sum(getattr(self, f) or 0 for f in MANAGER_LEVEL_FIELDS)


class OcopProduct(models.Model):
    """OCOP (QĐ 148/QĐ-TTg 2023): a certificate is valid 36 months from recognition."""

    entity = models.ForeignKey(Entity, on_delete=models.CASCADE, related_name="ocop_products")
    name = models.CharField(_("tên sản phẩm"), max_length=255)
    stars = models.PositiveSmallIntegerField(_("số sao"))
    recognized_on = models.DateField(_("ngày công nhận"))
    level = models.CharField(
        _("cấp công nhận"), max_length=12, choices=OcopLevel.choices, blank=True
    )

    class Meta:
        verbose_name = _("sản phẩm OCOP")
        verbose_name_plural = _("sản phẩm OCOP")
        ordering = ["entity", "name"]
        constraints = [
            models.UniqueConstraint(fields=["entity", "name"], name="ocop_one_name_per_entity"),
            models.CheckConstraint(condition=Q(stars__gte=3, stars__lte=5), name="ocop_stars_3_5"),
            one_of("level", OcopLevel, "ocop_level_choice", blank=True),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.stars}★)"

    @property
    def valid_until(self):  # type: ignore[no-untyped-def]
        """The last day of validity: recognition + 36 months, exclusive (DOMAIN.md §4)."""
        from kttt.lib.dates import add_months

        return add_months(self.recognized_on, 36)


class ReviewAction(models.TextChoices):
    SUBMIT = "submit", _("Gửi duyệt")
    RETURN = "return", _("Trả lại")
    APPROVE = "approve", _("Duyệt")
    REOPEN = "reopen", _("Mở lại")


class YearlyReview(models.Model):
    """One step of a year's figures through their approval, never changed or removed:
    who submitted, returned, approved or reopened them, when, and why."""

    Action = ReviewAction

    report = models.ForeignKey(YearlyReport, on_delete=models.CASCADE, related_name="reviews")
    action = models.CharField(_("thao tác"), max_length=8, choices=ReviewAction.choices)
    at = models.DateTimeField(_("thời điểm"), auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("người thực hiện"),
    )
    comment = models.TextField(_("ý kiến"), blank=True)
    source = models.CharField(_("nguồn"), max_length=20, default="web")

    class Meta:
        verbose_name = _("bước duyệt số liệu năm")
        verbose_name_plural = _("lịch sử duyệt số liệu năm")
        ordering = ["report", "at", "pk"]
        constraints = [one_of("action", ReviewAction, "review_action_choice")]

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.report}"


class AuditEntry(models.Model):
    """Who changed what, when: one row per created, changed or deleted record."""

    class Action(models.TextChoices):
        CREATE = "create", _("Tạo mới")
        UPDATE = "update", _("Sửa")
        DELETE = "delete", _("Xóa")

    entity = models.ForeignKey(Entity, on_delete=models.CASCADE, related_name="audit_entries")
    at = models.DateTimeField(_("thời điểm"), auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("người thực hiện"),
    )
    action = models.CharField(_("thao tác"), max_length=6, choices=Action.choices)
    # What was touched: "entity", "yearly:2023", "ocop:<name>", "status", "location".
    target = models.CharField(_("đối tượng"), max_length=300)
    changes = models.JSONField(_("thay đổi"), default=dict)
    source = models.CharField(_("nguồn"), max_length=20, default="web")

    class Meta:
        verbose_name = _("nhật ký thay đổi")
        verbose_name_plural = _("nhật ký thay đổi")
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.target}"
