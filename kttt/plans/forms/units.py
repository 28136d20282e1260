"""Ending an implementing unit and naming who takes over its open work."""

from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from kttt.plans.models import ImplementingUnit
from kttt.web import VNDateField, VNForm


class UnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: ImplementingUnit) -> str:  # type: ignore[override]
        return obj.label


class UnitMultipleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: ImplementingUnit) -> str:  # type: ignore[override]
        return obj.label


class EndUnitForm(VNForm):
    date = VNDateField(
        label=_lazy("Ngày cuối cùng của đơn vị"),
        help_text=_lazy("Ví dụ 30/06/2025: các phòng của huyện kết thúc cùng huyện."),
    )
    successor = UnitChoiceField(
        label=_lazy("Đơn vị nhận việc"),
        queryset=ImplementingUnit.objects.none(),
        empty_label="—",
        help_text=_lazy("Nhận mọi nhiệm vụ và hoạt động còn mở của đơn vị."),
    )
    others = UnitMultipleChoiceField(
        label=_lazy("Đơn vị kế thừa khác"),
        queryset=ImplementingUnit.objects.none(),
        required=False,
        help_text=_lazy(
            "Ghi nhận cùng lần chuyển giao; giao từng việc cho các đơn vị này bằng lệnh "
            "“kttt units end --assign”."
        ),
    )
    source = forms.CharField(label=_lazy("Căn cứ (số, ngày văn bản)"), required=False)
    note = forms.CharField(label=_lazy("Ghi chú"), required=False)

    def __init__(self, *args: Any, unit: ImplementingUnit, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        others = ImplementingUnit.objects.exclude(pk=unit.pk)
        self.fields["successor"].queryset = others  # type: ignore[attr-defined]
        self.fields["others"].queryset = others  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        successor, others = data.get("successor"), data.get("others") or []
        if successor is not None and successor in others:
            self.add_error("others", _("Đơn vị nhận việc đã được chọn ở trên."))
        return data

    def successors(self) -> list[ImplementingUnit]:
        return [self.cleaned_data["successor"], *self.cleaned_data.get("others", [])]
