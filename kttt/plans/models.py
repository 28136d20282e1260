"""Plans and their targets are data (DOMAIN.md §5): a 2026–2030 plan is entered, not coded."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

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
    decision = models.CharField(_("số, ngày quyết định phê duyệt"), max_length=200, blank=True)
    description = models.TextField(_("mô tả"), blank=True)

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
