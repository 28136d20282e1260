"""Plans and their targets are data (DOMAIN.md §5): a 2026–2030 plan is entered, not coded."""

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kttt.areas.models import valid_on
from kttt.lib.dates import citation_date
from kttt.registry.models import Kind


class Plan(models.Model):
    name = models.CharField(_("tên đề án"), max_length=300)
    area_code = models.CharField(
        _("mã địa bàn"), max_length=5, help_text=_("Địa bàn của đề án, đọc tại từng năm.")
    )
    start_year = models.PositiveSmallIntegerField(_("năm bắt đầu"))
    end_year = models.PositiveSmallIntegerField(_("năm kết thúc"))
    baseline_year = models.PositiveSmallIntegerField(
        _("năm cơ sở"), help_text=_("Năm làm mốc cho đường tiến độ (thường là năm đầu).")
    )
    # The approving decision (Quyết định số 123/QĐ-UBND ngày 05/3/2021 của UBND huyện …).
    decision_number = models.CharField(_("số, ký hiệu quyết định"), max_length=50, blank=True)
    decision_date = models.DateField(_("ngày quyết định"), null=True, blank=True)
    decision_agency = models.CharField(_("cơ quan ban hành"), max_length=200, blank=True)
    # The free text of the decision from before the fields above (migration 0005 read what it
    # could from it): shown only while the structured fields are all blank.
    decision = models.CharField(_("quyết định phê duyệt (văn bản cũ)"), max_length=200, blank=True)
    description = models.TextField(_("mô tả"), blank=True)
    # The plan's own text, plain (paragraphs separated by a blank line; no HTML).
    legal_bases = models.TextField(_("căn cứ"), blank=True, help_text=_("Mỗi căn cứ một dòng."))
    purpose = models.TextField(_("mục đích, yêu cầu (mục I)"), blank=True)
    assessment = models.TextField(_("đánh giá tình hình hoạt động của HTX (mục II.3)"), blank=True)
    general_objective = models.TextField(_("mục tiêu chung (mục III.1)"), blank=True)

    class Meta:
        verbose_name = _("đề án")
        verbose_name_plural = _("đề án")
        ordering = ["-start_year", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(start_year__lte=models.F("end_year")), name="plan_period_order"
            ),
            models.CheckConstraint(
                condition=Q(baseline_year__lte=models.F("end_year")), name="plan_baseline_in_period"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.start_year}–{self.end_year})"

    @property
    def decision_label(self) -> str:
        """ "Quyết định số 123/QĐ-UBND ngày 05/3/2021 của UBND huyện Phong Thổ", what is
        known of it, or the old free text; "" when nothing is known."""
        if not (self.decision_number or self.decision_date or self.decision_agency):
            return self.decision
        parts = [str(_("Quyết định"))]
        if self.decision_number:
            parts.append(str(_("số %(number)s")) % {"number": self.decision_number})
        if self.decision_date:
            parts.append(str(_("ngày %(date)s")) % {"date": citation_date(self.decision_date)})
        if self.decision_agency:
            parts.append(str(_("của %(agency)s")) % {"agency": self.decision_agency})
        return " ".join(parts)


class Comparison(models.TextChoices):
    GT = "gt", ">"
    GTE = "gte", "≥"
    LT = "lt", "<"
    LTE = "lte", "≤"
    RANGE = "range", _("trong khoảng")


class Schedule(models.TextChoices):
    EVERY_YEAR = "every_year", _("Hằng năm")
    END_OF_PERIOD = "end", _("Cuối kỳ")


class Target(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="targets")
    code = models.SlugField(_("mã mục tiêu"), max_length=40)
    description = models.TextField(_("mục tiêu như văn bản"))
    indicator = models.CharField(_("chỉ tiêu"), max_length=40)
    kind = models.CharField(_("loại hình"), max_length=5, choices=Kind.choices, default=Kind.HTX)
    comparison = models.CharField(_("so sánh"), max_length=5, choices=Comparison.choices)
    value = models.DecimalField(_("giá trị"), max_digits=14, decimal_places=3)
    value_high = models.DecimalField(
        _("giá trị trên (khoảng)"), max_digits=14, decimal_places=3, null=True, blank=True
    )
    expected_low = models.DecimalField(
        _("mức mong đợi từ"), max_digits=14, decimal_places=3, null=True, blank=True
    )
    expected_high = models.DecimalField(
        _("mức mong đợi đến"), max_digits=14, decimal_places=3, null=True, blank=True
    )
    schedule = models.CharField(_("đánh giá"), max_length=10, choices=Schedule.choices)
    # The indicator's value in the plan's baseline year, when it was fixed (a copy to the next
    # period stores the old plan's final-year value for the new area); blank = computed.
    baseline = models.DecimalField(
        _("giá trị năm cơ sở"), max_digits=14, decimal_places=3, null=True, blank=True
    )
    order = models.PositiveSmallIntegerField(_("thứ tự"), default=0)

    class Meta:
        verbose_name = _("mục tiêu")
        verbose_name_plural = _("mục tiêu")
        ordering = ["plan", "order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "code"], name="target_code_unique_in_plan"),
            models.CheckConstraint(
                condition=~Q(comparison="range") | Q(value_high__isnull=False),
                name="target_range_has_upper_bound",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code}: {self.description}"

    def clean(self) -> None:
        from kttt.indicators.definitions import BY_CODE

        if self.indicator not in BY_CODE:
            raise ValidationError({"indicator": _("Chỉ tiêu không tồn tại.")})
        if self.comparison == Comparison.RANGE and (
            self.value_high is None or self.value_high < self.value
        ):
            raise ValidationError(
                {"value_high": _("Cần giá trị trên, không nhỏ hơn giá trị dưới.")}
            )


# --- plan execution (DOMAIN.md §5; the plan's sections III.3–III.6) -------------------------

MONEY: dict[str, Any] = {"max_digits": 16, "decimal_places": 3}  # triệu đồng, as the registry


class ImplementingUnitQuerySet(models.QuerySet["ImplementingUnit"]):
    def valid_at(self, on: dt.date) -> "ImplementingUnitQuerySet":
        return self.filter(valid_on(on))


class ImplementingUnit(models.Model):
    """A department of the People's Committee or a commune that carries out plan work."""

    class Kind(models.TextChoices):
        DEPARTMENT = "department", _("Phòng, ban")
        COMMUNE = "commune", _("UBND xã, phường, thị trấn")
        OTHER = "other", _("Đơn vị khác")

    name = models.CharField(_("tên đơn vị"), max_length=200, unique=True)
    short_name = models.CharField(_("tên viết tắt"), max_length=40, blank=True)
    kind = models.CharField(_("loại"), max_length=12, choices=Kind.choices)
    area_code = models.CharField(
        _("mã địa bàn"),
        max_length=5,
        blank=True,
        help_text=_("Với UBND cấp xã: mã xã (đọc tại ngày hiện tại)."),
    )
    # Like administrative units (kttt.areas.models.Unit), an implementing unit lives for an
    # interval: the district's offices ended on 30/06/2025 with the district. Open = no limit.
    valid_from = models.DateField(_("hoạt động từ ngày"), null=True, blank=True)
    valid_to = models.DateField(_("hoạt động đến hết ngày"), null=True, blank=True)
    note = models.TextField(_("ghi chú"), blank=True)

    objects = ImplementingUnitQuerySet.as_manager()

    class Meta:
        verbose_name = _("đơn vị thực hiện")
        verbose_name_plural = _("đơn vị thực hiện")
        ordering = ["kind", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_from__isnull=True)
                | Q(valid_to__isnull=True)
                | Q(valid_from__lte=models.F("valid_to")),
                name="implementing_unit_valid_interval",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def is_valid_at(self, on: dt.date) -> bool:
        return (self.valid_from is None or self.valid_from <= on) and (
            self.valid_to is None or on <= self.valid_to
        )

    @property
    def validity(self) -> str:
        """The interval as people read it: "01/07/2025 – 30/06/2026", "… – 30/06/2025"."""
        if self.valid_from is None and self.valid_to is None:
            return ""
        start = self.valid_from.strftime("%d/%m/%Y") if self.valid_from else "…"
        end = self.valid_to.strftime("%d/%m/%Y") if self.valid_to else "…"
        return f"{start} – {end}"

    @property
    def label(self) -> str:
        """Name with the interval, for lists where ended and new units sit side by side."""
        return f"{self.name} ({self.validity})" if self.validity else self.name

    def clean(self) -> None:
        if self.valid_from and self.valid_to and self.valid_from > self.valid_to:
            raise ValidationError({"valid_to": _("Ngày kết thúc trước ngày bắt đầu.")})
        if self.pk is None:
            return
        # An edit of the interval (the admin) must not leave activities outside it.
        outside = Q()
        if self.valid_to is not None:
            outside |= Q(end_date__gt=self.valid_to)
        if self.valid_from is not None:
            outside |= Q(end_date__lt=self.valid_from)
        if outside and self.activities.filter(outside).exists():
            raise ValidationError(
                _(
                    "Còn hoạt động của đơn vị nằm ngoài thời gian này: hãy chuyển giao "
                    "(kttt units end) hoặc sửa hoạt động trước."
                )
            )


class Responsibility(models.Model):
    """What a plan gives an implementing unit to do (the plan's section III.6)."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="responsibilities")
    unit = models.ForeignKey(
        ImplementingUnit,
        verbose_name=_("đơn vị"),
        on_delete=models.PROTECT,
        related_name="responsibilities",
    )
    text = models.TextField(_("nhiệm vụ được giao"))

    class Meta:
        verbose_name = _("phân công thực hiện")
        verbose_name_plural = _("phân công thực hiện")
        ordering = ["plan", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "unit"], name="responsibility_one_per_unit"),
        ]

    def __str__(self) -> str:
        return f"{self.unit}: {self.text[:60]}"


class Task(models.Model):
    """A task (nhiệm vụ, III.3) or a solution (giải pháp, III.4) of a plan."""

    class Kind(models.TextChoices):
        TASK = "task", _("Nhiệm vụ")
        SOLUTION = "solution", _("Giải pháp")

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="tasks")
    kind = models.CharField(_("loại"), max_length=10, choices=Kind.choices, default=Kind.TASK)
    code = models.CharField(_("mục"), max_length=20, help_text=_("Ví dụ: III.3.a"))
    title = models.CharField(_("tên ngắn"), max_length=300)
    text = models.TextField(_("nội dung như văn bản"), blank=True)
    responsible = models.ForeignKey(
        ImplementingUnit,
        verbose_name=_("đơn vị chủ trì"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="tasks_led",
    )
    cooperating = models.ManyToManyField(
        ImplementingUnit,
        verbose_name=_("đơn vị phối hợp"),
        blank=True,
        related_name="tasks_supported",
    )
    start_year = models.PositiveSmallIntegerField(_("từ năm"))
    end_year = models.PositiveSmallIntegerField(_("đến năm"))
    targets = models.ManyToManyField(
        Target, verbose_name=_("mục tiêu phục vụ"), blank=True, related_name="tasks"
    )
    order = models.PositiveSmallIntegerField(_("thứ tự"), default=0)

    class Meta:
        verbose_name = _("nhiệm vụ, giải pháp")
        verbose_name_plural = _("nhiệm vụ, giải pháp")
        # The plan's order: tasks (III.3 a–e) before solutions (III.4 a–h); "task" sorts
        # after "solution", hence the descending kind.
        ordering = ["plan", "-kind", "order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "code"], name="task_code_unique_in_plan"),
            models.CheckConstraint(
                condition=Q(start_year__lte=models.F("end_year")), name="task_period_order"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"


class ActivityKind(models.TextChoices):
    TRAINING = "training", _("Tập huấn, bồi dưỡng")
    PROPAGANDA = "propaganda", _("Tuyên truyền")
    FOUNDING = "founding", _("Tư vấn thành lập HTX")
    FAIR = "fair", _("Hội chợ, xúc tiến thương mại")
    QUALITY = "quality", _("Chứng nhận chất lượng, nhãn hiệu")
    MODEL_167 = "model_167", _("Hỗ trợ HTX kiểu mới theo QĐ 167")
    INFRA_1804 = "infra_1804", _("Hỗ trợ hạ tầng, chế biến theo QĐ 1804")
    YOUNG_STAFF = "young_staff", _("Đưa cán bộ trẻ về HTX")
    INSPECTION = "inspection", _("Kiểm tra, thanh tra")
    OTHER = "other", _("Khác")


class ActivityStatus(models.TextChoices):
    PLANNED = "planned", _("Kế hoạch")
    IN_PROGRESS = "in_progress", _("Đang thực hiện")
    DONE = "done", _("Hoàn thành")
    CANCELLED = "cancelled", _("Hủy")


class FundSource(models.Model):
    """A source of the plan's money (ngân sách huyện, ngân sách tỉnh, …) with its total."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="fund_sources")
    name = models.CharField(_("nguồn kinh phí"), max_length=120)
    total = models.DecimalField(_("tổng kinh phí (triệu đồng)"), **MONEY)
    order = models.PositiveSmallIntegerField(_("thứ tự"), default=0)

    class Meta:
        verbose_name = _("nguồn kinh phí")
        verbose_name_plural = _("nguồn kinh phí")
        ordering = ["plan", "order", "name"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "name"], name="fund_source_unique_in_plan"),
            models.CheckConstraint(
                condition=Q(total__gte=0), name="fund_source_total_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Activity(models.Model):
    task = models.ForeignKey(Task, on_delete=models.PROTECT, related_name="activities")
    unit = models.ForeignKey(
        ImplementingUnit,
        verbose_name=_("đơn vị thực hiện"),
        on_delete=models.PROTECT,
        related_name="activities",
    )
    kind = models.CharField(_("loại hoạt động"), max_length=12, choices=ActivityKind.choices)
    title = models.CharField(_("tên hoạt động"), max_length=300)
    start_date = models.DateField(_("ngày bắt đầu"))
    end_date = models.DateField(_("ngày kết thúc (hạn)"))
    place = models.CharField(_("địa điểm"), max_length=200, blank=True)
    status = models.CharField(
        _("trạng thái"),
        max_length=12,
        choices=ActivityStatus.choices,
        default=ActivityStatus.PLANNED,
    )
    participants = models.PositiveIntegerField(_("số người tham gia"), null=True, blank=True)
    participants_coop = models.PositiveIntegerField(
        _("trong đó cán bộ, thành viên HTX"), null=True, blank=True
    )
    cooperatives = models.ManyToManyField(
        "registry.Entity", verbose_name=_("HTX được hỗ trợ"), blank=True, related_name="activities"
    )
    cost = models.DecimalField(_("kinh phí (triệu đồng)"), null=True, blank=True, **MONEY)
    fund_source = models.ForeignKey(
        FundSource,
        verbose_name=_("nguồn kinh phí"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="activities",
    )
    result = models.TextField(_("kết quả"), blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("hoạt động")
        verbose_name_plural = _("hoạt động")
        ordering = ["-start_date", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(start_date__lte=models.F("end_date")), name="activity_dates_order"
            ),
            models.CheckConstraint(
                condition=Q(participants_coop__isnull=True)
                | Q(participants__isnull=True)
                | Q(participants_coop__lte=models.F("participants")),
                name="activity_coop_participants_le_participants",
            ),
            models.CheckConstraint(
                condition=Q(cost__isnull=True) | Q(cost__gte=0), name="activity_cost_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class EvidenceFile(models.Model):
    """A file that proves an activity (minutes, photos, invoices), stored outside the web
    root and served only to users who may see the activity."""

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="evidence")
    file = models.FileField(_("tệp"), upload_to="evidence/%Y/%m/")
    original_name = models.CharField(_("tên tệp"), max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField(_("dung lượng (byte)"))
    uploaded_at = models.DateTimeField(auto_now_add=True)
    uploaded_by = models.ForeignKey(
        "auth.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("tệp minh chứng")
        verbose_name_plural = _("tệp minh chứng")
        ordering = ["activity", "uploaded_at"]

    def __str__(self) -> str:
        return self.original_name


class EnterpriseLink(models.Model):
    """Liên kết chuỗi giá trị: a cooperative's contract with an enterprise."""

    entity = models.ForeignKey(
        "registry.Entity",
        verbose_name=_("HTX"),
        on_delete=models.CASCADE,
        related_name="enterprise_links",
    )
    enterprise = models.CharField(_("doanh nghiệp"), max_length=255)
    product = models.CharField(_("sản phẩm"), max_length=255)
    contract_date = models.DateField(_("ngày hợp đồng"))
    end_date = models.DateField(_("ngày kết thúc"), null=True, blank=True)
    value = models.DecimalField(_("giá trị hợp đồng (triệu đồng)"), null=True, blank=True, **MONEY)
    exports_via_ma_lu_thang = models.BooleanField(
        _("xuất khẩu qua cửa khẩu Ma Lù Thàng"), default=False
    )
    note = models.TextField(_("ghi chú"), blank=True)

    class Meta:
        verbose_name = _("liên kết chuỗi giá trị")
        verbose_name_plural = _("liên kết chuỗi giá trị")
        ordering = ["entity", "-contract_date"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("contract_date")),
                name="link_dates_order",
            ),
            models.CheckConstraint(
                condition=Q(value__isnull=True) | Q(value__gte=0), name="link_value_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.entity} – {self.enterprise}"


class BudgetLine(models.Model):
    """A year's request (đề nghị) and allocation (giao) for a task from a source."""

    task = models.ForeignKey(Task, on_delete=models.PROTECT, related_name="budget_lines")
    source = models.ForeignKey(FundSource, on_delete=models.PROTECT, related_name="lines")
    year = models.PositiveSmallIntegerField(_("năm"))
    requested = models.DecimalField(_("đề nghị (triệu đồng)"), default=0, **MONEY)
    allocated = models.DecimalField(_("giao (triệu đồng)"), default=0, **MONEY)

    class Meta:
        verbose_name = _("dự toán")
        verbose_name_plural = _("dự toán")
        ordering = ["year", "task", "source"]
        constraints = [
            models.UniqueConstraint(fields=["task", "source", "year"], name="budget_line_unique"),
            models.CheckConstraint(
                condition=Q(requested__gte=0, allocated__gte=0), name="budget_line_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.task.code} {self.source} {self.year}"


class Disbursement(models.Model):
    """Money paid out against an allocation."""

    line = models.ForeignKey(BudgetLine, on_delete=models.PROTECT, related_name="disbursements")
    date = models.DateField(_("ngày chi"))
    amount = models.DecimalField(_("số tiền (triệu đồng)"), **MONEY)
    document = models.CharField(_("số chứng từ"), max_length=100)
    activity = models.ForeignKey(
        Activity,
        verbose_name=_("hoạt động"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="disbursements",
    )
    note = models.CharField(_("ghi chú"), max_length=255, blank=True)
    # A payment is never edited or deleted: a mistake is corrected by a reversal, an entry of
    # the opposite amount linked to the payment it cancels, with its reason (budget.reverse).
    reverses = models.OneToOneField(
        "self",
        verbose_name=_("hủy khoản chi"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reversal",
    )
    reason = models.CharField(_("lý do hủy"), max_length=255, blank=True)
    # Who recorded the entry and when (null for entries recorded before migration 0007).
    created_at = models.DateTimeField(_("ghi nhận lúc"), null=True, blank=True)
    created_by = models.ForeignKey(
        "auth.User",
        verbose_name=_("người ghi nhận"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("giải ngân")
        verbose_name_plural = _("giải ngân")
        ordering = ["date", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(reverses__isnull=True) & Q(amount__gt=0))
                | (Q(reverses__isnull=False) & Q(amount__lt=0) & ~Q(reason="")),
                name="disbursement_positive_or_reversal",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.document} {self.amount}"

    @property
    def is_reversal(self) -> bool:
        return self.reverses_id is not None


# --- implementing units through time (kttt/plans/units.py) -----------------------------------


class UnitTransfer(models.Model):
    """An implementing unit ended on `ended_on` and its open work (tasks it leads or helps
    with that run past that day, activities not done or cancelled that end after it) passed
    to the successors an administrator named. Each thing moved is an item, so that the
    transfer can be undone exactly."""

    unit = models.ForeignKey(
        ImplementingUnit,
        verbose_name=_("đơn vị kết thúc"),
        on_delete=models.PROTECT,
        related_name="transfers_out",
    )
    ended_on = models.DateField(_("ngày cuối cùng của đơn vị"))
    successors = models.ManyToManyField(
        ImplementingUnit, verbose_name=_("đơn vị nhận"), related_name="transfers_in"
    )
    source = models.TextField(_("căn cứ / nguồn"), blank=True)
    note = models.TextField(_("ghi chú"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        "auth.User",
        verbose_name=_("người ghi nhận"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    undone_at = models.DateTimeField(_("hoàn tác lúc"), null=True, blank=True)
    undone_by = models.ForeignKey(
        "auth.User",
        verbose_name=_("người hoàn tác"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("chuyển giao công việc")
        verbose_name_plural = _("chuyển giao công việc")
        ordering = ["-ended_on", "pk"]

    def __str__(self) -> str:
        news = ", ".join(u.name for u in self.successors.all())
        return f"{self.unit} → {news} ({self.ended_on:%d/%m/%Y})"


class UnitTransferItem(models.Model):
    """One thing a transfer moved: a task's lead unit, a task's cooperating unit, or an
    activity's unit. The references are kept (SET_NULL) so that a row deleted since makes
    the undo refuse rather than silently skip it."""

    class Kind(models.TextChoices):
        LEAD = "lead", _("Chủ trì nhiệm vụ")
        COOPERATING = "cooperating", _("Phối hợp nhiệm vụ")
        ACTIVITY = "activity", _("Hoạt động")

    transfer = models.ForeignKey(UnitTransfer, on_delete=models.CASCADE, related_name="items")
    kind = models.CharField(_("loại"), max_length=12, choices=Kind.choices)
    task = models.ForeignKey(
        Task, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    activity = models.ForeignKey(
        Activity, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    to_unit = models.ForeignKey(
        ImplementingUnit, verbose_name=_("đơn vị nhận"), on_delete=models.PROTECT, related_name="+"
    )
    # For a cooperating unit: whether the successor was added (it may already have helped
    # with the task, and then the undo must leave it there).
    added = models.BooleanField(default=True)
    # For an activity: its updated_at right after the move, to tell whether it changed since.
    stamp = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("việc đã chuyển giao")
        verbose_name_plural = _("việc đã chuyển giao")
        ordering = ["transfer", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="activity", task__isnull=True)
                | (~Q(kind="activity") & Q(activity__isnull=True)),
                name="unit_transfer_item_one_target",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.activity or self.task} → {self.to_unit}"
