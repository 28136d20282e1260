"""Forms of the plan execution pages. Numbers and dates are read the Vietnamese way by the
registry's fields; the rules (a period, an allocation within a source, a file's content) are
the services' and come back as form errors."""

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from kttt.plans import access
from kttt.plans.activities import ACTIVITY_FIELDS
from kttt.plans.models import (
    Activity,
    ActivityKind,
    ActivityStatus,
    BudgetLine,
    FundSource,
    ImplementingUnit,
    Plan,
    Task,
)
from kttt.registry import validation
from kttt.registry.models import Entity
from kttt.web import VNDateField, VNDecimalField, VNForm, VNIntegerField

# Plans are entered for any period a person may type; the services check the plan's own.
MIN_YEAR, MAX_YEAR = 1950, 2100
MAX_PERIOD = 15


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


class TaskChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Task) -> str:  # type: ignore[override]
        return f"{obj.code} – {obj.title}"


class ActivityChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Activity) -> str:  # type: ignore[override]
        return f"{obj.task.code} – {obj.title} ({obj.start_date:%d/%m/%Y})"


class EntityMultipleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Entity) -> str:  # type: ignore[override]
        return f"{obj.name} ({obj.code})"


# --- activities ---------------------------------------------------------------------------


class ActivityForm(VNForm):
    task = TaskChoiceField(
        label=_lazy("Nhiệm vụ, giải pháp"), queryset=Task.objects.none(), empty_label="—"
    )
    unit = forms.ModelChoiceField(
        label=_lazy("Đơn vị thực hiện"), queryset=ImplementingUnit.objects.none(), empty_label="—"
    )
    kind = forms.ChoiceField(label=_lazy("Loại hoạt động"), choices=ActivityKind.choices)
    title = forms.CharField(label=_lazy("Tên hoạt động"), max_length=300)
    start_date = VNDateField(label=_lazy("Ngày bắt đầu"))
    end_date = VNDateField(label=_lazy("Ngày kết thúc (hạn)"))
    place = forms.CharField(label=_lazy("Địa điểm"), max_length=200, required=False)
    status = forms.ChoiceField(label=_lazy("Trạng thái"), choices=ActivityStatus.choices)
    participants = VNIntegerField(label=_lazy("Số người tham gia"), required=False)
    participants_coop = VNIntegerField(
        label=_lazy("Trong đó cán bộ, thành viên HTX"), required=False
    )
    cost = VNDecimalField(label=_lazy("Kinh phí (triệu đồng)"), required=False)
    fund_source = forms.ModelChoiceField(
        label=_lazy("Nguồn kinh phí"),
        queryset=FundSource.objects.none(),
        required=False,
        empty_label="—",
    )
    cooperatives = EntityMultipleChoiceField(
        label=_lazy("HTX được hỗ trợ"),
        queryset=Entity.objects.none(),
        required=False,
        help_text=_lazy("Giữ Ctrl (hoặc chạm) để chọn nhiều HTX."),
    )
    result = forms.CharField(
        label=_lazy("Kết quả"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(
        self,
        *args: Any,
        request: Any,
        plan: Plan,
        activity: Activity | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.request, self.plan, self.activity = request, plan, activity
        self.fields["task"].queryset = access.tasks_open_to(request).filter(plan=plan)  # type: ignore[attr-defined]
        self.fields["unit"].queryset = access.units_writable_by(request)  # type: ignore[attr-defined]
        self.fields["fund_source"].queryset = plan.fund_sources.all()  # type: ignore[attr-defined]
        scope = access.rights(request).scope
        self.fields["cooperatives"].queryset = scope.visible().order_by("sort_name", "code")  # type: ignore[attr-defined]
        self.fields["cooperatives"].widget.attrs["size"] = 8
        self.fields["unit"].error_messages["invalid_choice"] = _lazy(
            "Bạn không được ghi hoạt động cho đơn vị này."
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        task, unit = data.get("task"), data.get("unit")
        if task is not None and unit is not None:
            probe = Activity(task=task, unit=unit)
            if not access.may_write_activity(self.request, probe):
                self.add_error("unit", _("Bạn không được ghi hoạt động cho đơn vị này."))
        return data

    def values(self) -> dict[str, Any]:
        return {f: self.cleaned_data.get(f) for f in ACTIVITY_FIELDS} | {
            "place": self.cleaned_data.get("place") or "",
            "result": self.cleaned_data.get("result") or "",
        }

    def chosen_cooperatives(self) -> list[Entity]:
        """The chosen cooperatives, keeping those already linked that the user cannot see
        (a user never removes what it was not shown)."""
        chosen = list(self.cleaned_data.get("cooperatives") or [])
        if self.activity is not None:
            visible: QuerySet[Entity] = self.fields["cooperatives"].queryset  # type: ignore[attr-defined]
            chosen += list(self.activity.cooperatives.exclude(pk__in=visible.values("pk")))
        return chosen

    @staticmethod
    def initial_of(activity: Activity) -> dict[str, Any]:
        return {
            "task": activity.task_id,
            "unit": activity.unit_id,
            "kind": activity.kind,
            "title": activity.title,
            "start_date": activity.start_date,
            "end_date": activity.end_date,
            "place": activity.place,
            "status": activity.status,
            "participants": activity.participants,
            "participants_coop": activity.participants_coop,
            "cost": activity.cost,
            "fund_source": activity.fund_source_id,
            "cooperatives": list(activity.cooperatives.values_list("pk", flat=True)),
            "result": activity.result,
        }


class EvidenceForm(VNForm):
    # Type, size and content are checked by add_evidence, so an empty file reaches it too.
    file = forms.FileField(label=_lazy("Tệp minh chứng"), allow_empty_file=True)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["file"].error_messages.update(
            {
                "invalid": _lazy("Không đọc được tệp gửi lên."),
                "missing": _lazy("Chưa chọn tệp."),
                "max_length": _lazy("Tên tệp quá dài."),
            }
        )
        self.fields["file"].widget.attrs["accept"] = ".pdf,.jpg,.jpeg,.png,.docx,.xlsx"


# --- budget -------------------------------------------------------------------------------


class SourceChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: FundSource) -> str:  # type: ignore[override]
        return obj.name


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
            .order_by("task__order", "start_date", "pk")
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


# --- enterprise links ---------------------------------------------------------------------


class LinkForm(VNForm):
    enterprise = forms.CharField(label=_lazy("Doanh nghiệp"), max_length=255)
    product = forms.CharField(label=_lazy("Sản phẩm"), max_length=255)
    contract_date = VNDateField(label=_lazy("Ngày hợp đồng"))
    end_date = VNDateField(
        label=_lazy("Ngày kết thúc"),
        required=False,
        help_text=_lazy("Để trống nếu hợp đồng còn hiệu lực."),
    )
    value = VNDecimalField(label=_lazy("Giá trị hợp đồng (triệu đồng)"), required=False)
    exports_via_ma_lu_thang = forms.BooleanField(
        label=_lazy("Xuất khẩu qua cửa khẩu Ma Lù Thàng"), required=False
    )
    note = forms.CharField(
        label=_lazy("Ghi chú"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    FIELDS = (
        "enterprise",
        "product",
        "contract_date",
        "end_date",
        "value",
        "exports_via_ma_lu_thang",
        "note",
    )

    def values(self) -> dict[str, Any]:
        return {f: self.cleaned_data.get(f) for f in self.FIELDS} | {
            "note": self.cleaned_data.get("note") or ""
        }


class LinkFilterForm(VNForm):
    """The links list's filters; an invalid filter is ignored, never an error page."""

    q = forms.CharField(label=_lazy("Tìm kiếm"), required=False, max_length=200)
    year = forms.ChoiceField(label=_lazy("Còn hiệu lực trong năm"), required=False)
    export = forms.BooleanField(label=_lazy("Xuất khẩu qua Ma Lù Thàng"), required=False)

    def __init__(self, *args: Any, years: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [("", _("Mọi năm")), *[(str(y), str(y)) for y in years]]  # type: ignore[attr-defined]
        self.fields["q"].widget.attrs.update(
            {"type": "search", "placeholder": _("HTX, doanh nghiệp hoặc sản phẩm")}
        )

    def value(self, name: str) -> Any:
        if not hasattr(self, "cleaned_data"):
            self.is_valid()
        return self.cleaned_data.get(name) or ""


# --- a new plan from this one's structure -------------------------------------------------


class CopyStructureForm(VNForm):
    name = forms.CharField(label=_lazy("Tên đề án mới"), max_length=300)
    start_year = YearField(label=_lazy("Năm bắt đầu"))
    end_year = YearField(label=_lazy("Năm kết thúc"))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start_year"), data.get("end_year")
        if start is not None and end is not None:
            if end < start:
                self.add_error("end_year", _("Năm kết thúc không được trước năm bắt đầu."))
            elif end - start + 1 > MAX_PERIOD:
                self.add_error("end_year", _("Kỳ đề án tối đa %(n)s năm.") % {"n": MAX_PERIOD})
        return data
