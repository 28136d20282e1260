"""The API token form, shared by a user's own page and the administrator's account page."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from kttt.accounts.tokens import MAX_DAYS
from kttt.lib.numbers import format_number
from kttt.web.fields import VNForm, VNIntegerField


class TokenForm(VNForm):
    name = forms.CharField(
        label=_lazy("Tên gợi nhớ"),
        required=False,
        max_length=100,
        help_text=_lazy("Ví dụ: Bảng tính tổng hợp của phòng; để biết khóa dùng ở đâu."),
    )
    days = VNIntegerField(
        label=_lazy("Số ngày hiệu lực"),
        required=False,
        help_text=_lazy("Từ 1 đến 3.650 ngày; để trống: dùng đến khi bị thu hồi."),
    )

    def __init__(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.fields["name"].error_messages["max_length"] = _lazy(
            "Tên gợi nhớ dài tối đa 100 ký tự."
        )

    def clean_days(self) -> int | None:
        days: int | None = self.cleaned_data["days"]
        if days is not None and not 1 <= days <= MAX_DAYS:
            raise ValidationError(
                _("Số ngày hiệu lực phải từ 1 đến %(max)s.") % {"max": format_number(MAX_DAYS)}
            )
        return days
