"""Forms for entering plans and targets from the web (no code needed for a new plan).

The model's rules (a period in order, a range with its upper bound, one code per plan) are
checked here first with Vietnamese messages; the model constraints are the backstop.
Numbers are read the Vietnamese way ("1.234,5", "46,5") by `kttt.registry.validation`."""

from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import validate_slug
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from kttt.accounts.access import PLAN_WRITERS, Scope
from kttt.indicators.definitions import INDICATORS
from kttt.lib.dates import year_end
from kttt.lib.numbers import format_number
from kttt.plans.evaluation import PlanError
from kttt.plans.models import Comparison, Plan, Schedule, Target
from kttt.plans.services import plan_area_code
from kttt.registry import validation
from kttt.registry.fields import KindField
from kttt.registry.models import MIN_YEAR, Kind
from kttt.web import VNForm

MAX_YEAR = 2100
# A plan's years are evaluated one by one: a strategy runs ten years, a plan five.
MAX_PERIOD = 15
# Target.value and friends: DecimalField(max_digits=14, decimal_places=3).
MAX_TARGET = Decimal(10) ** 11
NOT_YOURS = _lazy("Địa bàn này nằm ngoài phạm vi được giao của bạn.")


class PlanYearField(forms.Field):
    widget = forms.TextInput

    def to_python(self, value: Any) -> int | None:
        if validation.is_blank(value):
            return None
        try:
            number = validation.number(value)
        except validation.Invalid as exc:
            raise ValidationError(capfirst(str(exc)), code="invalid") from None
        assert number is not None
        if number != number.to_integral_value() or not MIN_YEAR <= number <= MAX_YEAR:
            raise ValidationError(
                _("Năm phải từ %(min)s đến %(max)s.") % {"min": MIN_YEAR, "max": MAX_YEAR}
            )
        return int(number)

    def widget_attrs(self, widget: forms.Widget) -> dict[str, Any]:
        return {**super().widget_attrs(widget), "inputmode": "numeric", "maxlength": "4"}

    def prepare_value(self, value: Any) -> Any:
        return str(value) if isinstance(value, int) else value  # never "2.021"


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


def check_period(form: forms.Form, data: dict[str, Any]) -> None:
    start, end = data.get("start_year"), data.get("end_year")
    baseline = data.get("baseline_year", start)
    if start is None or end is None:
        return
    if end < start:
        form.add_error("end_year", _("Năm kết thúc không được trước năm bắt đầu."))
    elif end - start + 1 > MAX_PERIOD:
        form.add_error("end_year", _("Kỳ đề án tối đa %(n)s năm.") % {"n": MAX_PERIOD})
    if baseline is not None and not start - 5 <= baseline <= end:
        form.add_error(
            "baseline_year",
            _("Năm cơ sở phải trong kỳ đề án hoặc tối đa 5 năm trước năm bắt đầu."),
        )


class PlanForm(VNForm):
    name = forms.CharField(label=_lazy("Tên đề án"), max_length=300)
    area_code = forms.CharField(
        label=_lazy("Mã địa bàn"),
        max_length=5,
        help_text=_lazy(
            "Mã đơn vị hành chính (ví dụ 109 là Huyện Phong Thổ), đọc tại năm bắt đầu."
        ),
    )
    start_year = PlanYearField(label=_lazy("Năm bắt đầu"))
    end_year = PlanYearField(label=_lazy("Năm kết thúc"))
    baseline_year = PlanYearField(
        label=_lazy("Năm cơ sở"),
        required=False,
        help_text=_lazy("Mốc của đường tiến độ; để trống là năm bắt đầu."),
    )
    decision = forms.CharField(
        label=_lazy("Số, ngày quyết định phê duyệt"), max_length=200, required=False
    )
    description = forms.CharField(
        label=_lazy("Mô tả"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, scope: Scope, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.scope = scope
        self.fields["area_code"].widget.attrs.update(
            {"inputmode": "numeric", "autocomplete": "off"}
        )

    def clean_name(self) -> str:
        return validation.text(self.cleaned_data["name"])

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("start_year") is not None and data.get("baseline_year") is None:
            data["baseline_year"] = data["start_year"]
        check_period(self, data)
        code, start = data.get("area_code"), data.get("start_year")
        if code and start is not None:
            try:
                data["area_code"] = plan_area_code(code, start)
            except PlanError as exc:
                self.add_error("area_code", str(exc))
            else:
                if not self.scope.may_read_area(
                    data["area_code"], year_end(start), roles=PLAN_WRITERS
                ):
                    self.add_error("area_code", NOT_YOURS)
        return data

    def values(self) -> dict[str, Any]:
        return {f: self.cleaned_data[f] for f in self.fields}

    @staticmethod
    def initial_of(plan: Plan) -> dict[str, Any]:
        return {f: getattr(plan, f) for f in PlanForm.base_fields}


class CopyPlanForm(VNForm):
    """A new plan for the next period with the same targets."""

    name = forms.CharField(label=_lazy("Tên đề án mới"), max_length=300)
    start_year = PlanYearField(label=_lazy("Năm bắt đầu"))
    end_year = PlanYearField(label=_lazy("Năm kết thúc"))
    baseline_year = PlanYearField(
        label=_lazy("Năm cơ sở"),
        required=False,
        help_text=_lazy("Để trống là năm bắt đầu."),
    )
    decision = forms.CharField(
        label=_lazy("Số, ngày quyết định phê duyệt"), max_length=200, required=False
    )

    def __init__(self, *args: Any, plan: Plan, scope: Scope, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.plan, self.scope = plan, scope

    @staticmethod
    def initial_of(plan: Plan) -> dict[str, Any]:
        """The next period of the same length, its years in the name."""
        length = plan.end_year - plan.start_year
        start, end = plan.end_year + 1, plan.end_year + 1 + length
        name = plan.name
        for dash in ("-", "–"):
            name = name.replace(f"{plan.start_year}{dash}{plan.end_year}", f"{start}{dash}{end}")
        return {"name": name, "start_year": start, "end_year": end, "baseline_year": start}

    def clean_name(self) -> str:
        return validation.text(self.cleaned_data["name"])

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        check_period(self, data)
        start = data.get("start_year")
        if start is not None and not self.errors:
            try:
                code = plan_area_code(self.plan.area_code, start)
            except PlanError as exc:
                self.add_error("start_year", str(exc))
            else:
                if not self.scope.may_read_area(code, year_end(start), roles=PLAN_WRITERS):
                    self.add_error(None, NOT_YOURS)
        return data


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
