"""Forms of the administrative-unit pages."""

import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from kttt.areas.models import Level
from kttt.web import VNDateField, VNForm

_CODE_SPLIT = re.compile(r"[\s,;]+")


class CodeListField(forms.CharField):
    """Unit codes separated by commas or spaces: "3592, 3394"."""

    def to_python(self, value: Any) -> list[str]:  # type: ignore[override]
        codes = [c for c in _CODE_SPLIT.split(super().to_python(value) or "") if c]
        bad = [c for c in codes if not c.isdigit() or len(c) > 5]
        if bad:
            raise ValidationError(
                _("Mã không hợp lệ: %(codes)s. Mã đơn vị hành chính gồm tối đa 5 chữ số.")
                % {"codes": ", ".join(bad)}
            )
        return codes


class UnitFilterForm(VNForm):
    on = VNDateField(label=_lazy("Tại ngày"), required=False)
    level = forms.ChoiceField(
        label=_lazy("Cấp"), required=False, choices=[("", _lazy("Tất cả")), *Level.choices]
    )


class SuccessionForm(VNForm):
    date = VNDateField(
        label=_lazy("Ngày hiệu lực"),
        help_text=_lazy("Ngày đơn vị mới bắt đầu tồn tại, ví dụ 01/07/2025."),
    )
    old_codes = CodeListField(
        label=_lazy("Mã các đơn vị cũ"),
        help_text=_lazy("Đọc theo ngày trước ngày hiệu lực; cách nhau bởi dấu phẩy."),
    )
    new_codes = CodeListField(
        label=_lazy("Mã các đơn vị mới"),
        help_text=_lazy("Đọc theo ngày hiệu lực; cách nhau bởi dấu phẩy."),
    )
    only_old_territory = forms.BooleanField(
        label=_lazy("Đơn vị mới chỉ gồm địa bàn của các đơn vị cũ"), required=False, initial=True
    )
    verified = forms.BooleanField(
        label=_lazy("Đã xác minh theo văn bản chính thức"), required=False
    )
    source = forms.CharField(
        label=_lazy("Căn cứ / nguồn"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    note = forms.CharField(
        label=_lazy("Ghi chú"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
