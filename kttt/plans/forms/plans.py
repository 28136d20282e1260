"""Forms for entering a plan from the web (no code needed for a new plan) and for copying
it to a new period.

The model's rules (a period in order) are checked here first with Vietnamese messages; the
model constraints are the backstop. Years are read the Vietnamese way by
`kttt.registry.validation`."""

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from kttt.access.plans import may_write_plans_for
from kttt.access.scope import Scope
from kttt.plans.evaluation import PlanError
from kttt.plans.models import Plan
from kttt.plans.services import plan_area_code
from kttt.registry import validation
from kttt.registry.models import MIN_YEAR
from kttt.web import VNForm

MAX_YEAR = 2100
# A plan's years are evaluated one by one: a strategy runs ten years, a plan five.
MAX_PERIOD = 15
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
                if not may_write_plans_for(self.scope, data["area_code"], start):
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
                if not may_write_plans_for(self.scope, code, start):
                    self.add_error(None, NOT_YOURS)
        return data
