"""The forms of an activity and of its evidence files. Dates and numbers are read the
Vietnamese way by the shared fields; the rules are the services' and come back as form
errors."""

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from kttt.access.plans import may_write_activity, tasks_open_to, units_writable_by
from kttt.access.registry import entities_visible_to
from kttt.plans.activities import ACTIVITY_FIELDS
from kttt.plans.models import (
    Activity,
    ActivityKind,
    ActivityStatus,
    FundSource,
    ImplementingUnit,
    Plan,
    Task,
)
from kttt.registry.models import Entity
from kttt.web import VNDateField, VNDecimalField, VNForm, VNIntegerField


class TaskChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Task) -> str:  # type: ignore[override]
        return f"{obj.code} – {obj.title}"


class EntityMultipleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Entity) -> str:  # type: ignore[override]
        return f"{obj.name} ({obj.code})"


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
        self.fields["task"].queryset = tasks_open_to(request).filter(plan=plan)  # type: ignore[attr-defined]
        self.fields["unit"].queryset = units_writable_by(request)  # type: ignore[attr-defined]
        self.fields["fund_source"].queryset = plan.fund_sources.all()  # type: ignore[attr-defined]
        visible = entities_visible_to(request)
        self.fields["cooperatives"].queryset = visible.order_by("sort_name", "code")  # type: ignore[attr-defined]
        self.fields["cooperatives"].widget.attrs["size"] = 8
        self.fields["unit"].error_messages["invalid_choice"] = _lazy(
            "Bạn không được ghi hoạt động cho đơn vị này."
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        task, unit = data.get("task"), data.get("unit")
        if task is not None and unit is not None:
            probe = Activity(task=task, unit=unit)
            if not may_write_activity(self.request, probe):
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
