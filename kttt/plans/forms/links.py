"""The forms of the enterprise links: one link, and the list's filters."""

from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from kttt.web import VNDateField, VNDecimalField, VNForm


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
