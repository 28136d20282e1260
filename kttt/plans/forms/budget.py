"""The budget's forms: a fund source, a task's yearly request and allocation, a payment.
Amounts are read the Vietnamese way; the rules (an allocation within its source, a year in
the plan's period) are the services' and come back as form errors."""

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from kttt.plans.forms.activities import TaskChoiceField
from kttt.plans.models import Activity, BudgetLine, FundSource, Plan, Task
from kttt.registry import validation
from kttt.web import VNDateField, VNDecimalField, VNForm

# A budget year is typed freely here; the services check that it lies in the plan's period.
MIN_YEAR, MAX_YEAR = 1950, 2100


class YearField(forms.Field):
    """A year typed as digits, never shown grouped ("2021", not "2.021"). Whether it lies in
    the plan's period is the service's rule, so that its message is the one shown."""

    widget = forms.TextInput

    def to_python(self, value: Any) -> int | None:
        if validation.is_blank(value):
            return None
        text = str(value).strip()
        if not text.isdigit() or not MIN_YEAR <= int(text) <= MAX_YEAR:
            raise ValidationError(
                _("Năm phải từ %(min)s đến %(max)s.") % {"min": MIN_YEAR, "max": MAX_YEAR}
            )
        return int(text)

    def widget_attrs(self, widget: forms.Widget) -> dict[str, Any]:
        return {**super().widget_attrs(widget), "inputmode": "numeric", "maxlength": "4"}

    def prepare_value(self, value: Any) -> Any:
        return str(value) if isinstance(value, int) else value


def _money(label: Any, required: bool = True) -> VNDecimalField:
    # Negative amounts pass the field so that the service refuses them with its own message.
    return VNDecimalField(label=label, required=required, negative=True)


class ActivityChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Activity) -> str:  # type: ignore[override]
        return f"{obj.task.code} – {obj.title} ({obj.start_date:%d/%m/%Y})"


class SourceChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: FundSource) -> str:  # type: ignore[override]
        return obj.name


def seen_field() -> forms.CharField:
    """The version of the plan's budget shown with the form (kttt/plans/views/budget.py):
    the source and allocation forms set absolute values read off the page's tables."""
    return forms.CharField(widget=forms.HiddenInput, required=False, max_length=32)


class PlanBoundForm(VNForm):
    def __init__(self, *args: Any, plan: Plan, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.plan = plan
        if "task" in self.fields:
            self.fields["task"].queryset = plan.tasks.all()  # type: ignore[attr-defined]
        if "source" in self.fields:
            self.fields["source"].queryset = plan.fund_sources.all()  # type: ignore[attr-defined]


class SourceForm(PlanBoundForm):
    """A fund source's name and total; without `source` a new source is added."""

    prefix = "source"
    seen = seen_field()

    source = SourceChoiceField(
        label=_lazy("Nguồn"),
        queryset=FundSource.objects.none(),
        required=False,
        empty_label=_lazy("(thêm nguồn mới)"),
    )
    name = forms.CharField(label=_lazy("Tên nguồn"), max_length=120)
    total = _money(_lazy("Tổng kinh phí (triệu đồng)"))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        name, source = data.get("name"), data.get("source")
        if name:
            others = self.plan.fund_sources.filter(name=name)
            if source is not None:
                others = others.exclude(pk=source.pk)
            if others.exists():
                self.add_error("name", _("Đề án đã có nguồn kinh phí tên này."))
        return data


class LineForm(PlanBoundForm):
    """A year's request and allocation of a task from a source (created or changed)."""

    prefix = "line"
    seen = seen_field()

    task = TaskChoiceField(
        label=_lazy("Nhiệm vụ, giải pháp"), queryset=Task.objects.none(), empty_label="—"
    )
    source = SourceChoiceField(
        label=_lazy("Nguồn"), queryset=FundSource.objects.none(), empty_label="—"
    )
    year = YearField(label=_lazy("Năm"))
    requested = _money(_lazy("Đề nghị (triệu đồng)"))
    allocated = _money(_lazy("Giao (triệu đồng)"))


class DisbursementForm(PlanBoundForm):
    """Money paid out: the allocation is found by task, source and year."""

    prefix = "pay"

    task = TaskChoiceField(
        label=_lazy("Nhiệm vụ, giải pháp"), queryset=Task.objects.none(), empty_label="—"
    )
    source = SourceChoiceField(
        label=_lazy("Nguồn"), queryset=FundSource.objects.none(), empty_label="—"
    )
    year = YearField(label=_lazy("Năm dự toán"))
    date = VNDateField(label=_lazy("Ngày chi"))
    amount = _money(_lazy("Số tiền (triệu đồng)"))
    document = forms.CharField(label=_lazy("Số chứng từ"), max_length=100)
    activity = ActivityChoiceField(
        label=_lazy("Hoạt động"),
        queryset=Activity.objects.none(),
        required=False,
        empty_label="—",
    )
    note = forms.CharField(label=_lazy("Ghi chú"), max_length=255, required=False)

    def __init__(self, *args: Any, plan: Plan, **kwargs: Any) -> None:
        super().__init__(*args, plan=plan, **kwargs)
        self.fields["activity"].queryset = (  # type: ignore[attr-defined]
            Activity.objects.filter(task__plan=plan)
            .select_related("task")
            .order_by("-task__kind", "task__order", "task__code", "start_date", "pk")
        )
        self.line: BudgetLine | None = None

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        task, source, year = data.get("task"), data.get("source"), data.get("year")
        if task is not None and source is not None and year is not None:
            self.line = BudgetLine.objects.filter(task=task, source=source, year=year).first()
            if self.line is None:
                self.add_error(
                    None,
                    _(
                        "Chưa có dự toán giao cho %(task)s từ %(source)s năm %(year)s: hãy "
                        "giao kinh phí trước khi chi."
                    )
                    % {"task": task.code, "source": source.name, "year": year},
                )
        return data


class ReversalForm(VNForm):
    """Cancelling a payment: the day, the reason, and the reversal's own voucher number
    (blank = the payment's)."""

    prefix = "rev"

    date = VNDateField(label=_lazy("Ngày hủy"))
    reason = forms.CharField(label=_lazy("Lý do hủy"), max_length=255)
    document = forms.CharField(
        label=_lazy("Số chứng từ hủy"),
        max_length=100,
        required=False,
        help_text=_lazy("Để trống: dùng số chứng từ của khoản chi."),
    )
