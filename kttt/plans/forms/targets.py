"""The form of a plan's target. A range needs its upper bound and one code is used once per
plan; numbers are read the Vietnamese way ("1.234,5", "46,5") by
`kttt.registry.validation`."""

from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import validate_slug
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from kttt.indicators.definitions import INDICATORS
from kttt.lib.numbers import format_number
from kttt.plans.models import Comparison, Plan, Schedule, Target
from kttt.registry import validation
from kttt.registry.fields import KindField
from kttt.registry.models import Kind
from kttt.web import VNForm

# Target.value and friends: DecimalField(max_digits=14, decimal_places=3).
MAX_TARGET = Decimal(10) ** 11


class TargetNumberField(forms.Field):
    """A target value: "50", "7,5", "1.000"; negative allowed (a fall can be a target)."""

    widget = forms.TextInput

    def to_python(self, value: Any) -> Decimal | None:
        if validation.is_blank(value):
            return None
        try:
            number = validation.number(value)
        except validation.Invalid as exc:
            raise ValidationError(capfirst(str(exc)), code="invalid") from None
        assert number is not None
        if abs(number) >= MAX_TARGET:
            raise ValidationError(_("Giá trị quá lớn."))
        if number != number.quantize(Decimal("0.001")):
            raise ValidationError(_("Tối đa 3 chữ số thập phân."))
        return number

    def widget_attrs(self, widget: forms.Widget) -> dict[str, Any]:
        return {**super().widget_attrs(widget), "inputmode": "decimal"}

    def prepare_value(self, value: Any) -> Any:
        return format_number(value, 3) if isinstance(value, Decimal | int | float) else value


def indicator_choices() -> list[tuple[str, str]]:
    return [(i.code, f"{i.name} ({i.unit})") for i in INDICATORS]


class TargetForm(VNForm):
    code = forms.CharField(
        label=_lazy("Mã mục tiêu"),
        max_length=40,
        help_text=_lazy("Chữ không dấu, số, “-” hoặc “_”; ví dụ b_effective."),
    )
    description = forms.CharField(
        label=_lazy("Mục tiêu như văn bản"), widget=forms.Textarea(attrs={"rows": 2})
    )
    indicator = forms.ChoiceField(label=_lazy("Chỉ tiêu"), choices=indicator_choices)
    kind = KindField(label=_lazy("Loại hình"), initial=Kind.HTX)
    comparison = forms.ChoiceField(label=_lazy("So sánh"), choices=Comparison.choices)
    value = TargetNumberField(label=_lazy("Giá trị"))
    value_high = TargetNumberField(
        label=_lazy("Giá trị trên"),
        required=False,
        help_text=_lazy("Chỉ khi so sánh “trong khoảng”."),
    )
    expected_low = TargetNumberField(label=_lazy("Mức mong đợi từ"), required=False)
    expected_high = TargetNumberField(
        label=_lazy("Mức mong đợi đến"),
        required=False,
        help_text=_lazy("Khoảng ghi trong văn bản, ví dụ “1-2 HTX”: chỉ để hiển thị."),
    )
    schedule = forms.ChoiceField(
        label=_lazy("Đánh giá"),
        choices=Schedule.choices,
        help_text=_lazy("Hằng năm: từng năm phải đạt. Cuối kỳ: các năm trước xét tiến độ."),
    )
    baseline = TargetNumberField(
        label=_lazy("Giá trị năm cơ sở"),
        required=False,
        help_text=_lazy(
            "Mốc của đường tiến độ; để trống là số liệu tính được của năm cơ sở. Khi sao "
            "chép sang kỳ mới, đây là giá trị năm cuối kỳ trước của địa bàn mới."
        ),
    )
    order = forms.IntegerField(
        label=_lazy("Thứ tự"),
        required=False,
        min_value=0,
        max_value=32767,
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
        help_text=_lazy("Để trống: xếp cuối."),
    )

    def __init__(self, *args: Any, plan: Plan, target: Target | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.plan, self.target = plan, target

    def clean_code(self) -> str:
        code = self.cleaned_data["code"].strip()
        try:
            validate_slug(code)
        except ValidationError:
            raise ValidationError(_("Mã chỉ gồm chữ không dấu, số, “-” và “_”.")) from None
        others = self.plan.targets.filter(code=code)
        if self.target is not None:
            others = others.exclude(pk=self.target.pk)
        if others.exists():
            raise ValidationError(_("Đề án đã có mục tiêu mã %(code)s.") % {"code": code})
        return code

    def clean_description(self) -> str:
        return validation.text(self.cleaned_data["description"])

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        value, high = data.get("value"), data.get("value_high")
        if data.get("comparison") == Comparison.RANGE:
            if high is None:
                self.add_error("value_high", _("Cần giá trị trên khi so sánh trong khoảng."))
            elif value is not None and high < value:
                self.add_error("value_high", _("Giá trị trên không được nhỏ hơn giá trị."))
        else:
            data["value_high"] = None
        low, up = data.get("expected_low"), data.get("expected_high")
        if (low is None) != (up is None):
            self.add_error(
                "expected_high", _("Nhập cả hai đầu của mức mong đợi, hoặc để trống cả hai.")
            )
        elif low is not None and up is not None and up < low:
            self.add_error("expected_high", _("Mức mong đợi đến không được nhỏ hơn mức từ."))
        return data

    def values(self) -> dict[str, Any]:
        return {f: self.cleaned_data.get(f) for f in self.fields}

    @staticmethod
    def initial_of(target: Target) -> dict[str, Any]:
        return {f: getattr(target, f) for f in TargetForm.base_fields}
