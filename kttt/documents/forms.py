"""The forms of the Reports page: what the report is on (kind, year, area, plan, date), the
header and sections V and VI the author writes, and the issuers' settings."""

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from kttt.access.scope import today
from kttt.areas.services import AreaError, resolve_area
from kttt.documents.models import Issuer, ReportKind
from kttt.lib.dates import year_end
from kttt.web import VNForm
from kttt.web.fields import INVALID_CHOICE, REQUIRED, VNDateField, VNYearField

# The plan field's two choices besides a plan: the plan of exactly the area whose period
# covers the year, or none.
AUTO_PLAN = ""
NO_PLAN = "none"
MAX_TEXT = 20000


class SelectionForm(VNForm):
    """What the report is on. Blank fields take the defaults given."""

    kind = forms.ChoiceField(label=_lazy("Loại báo cáo"), choices=ReportKind.choices)
    year = VNYearField(label=_lazy("Năm báo cáo"), required=False)
    area = forms.CharField(label=_lazy("Địa bàn"), required=False, widget=forms.Select)
    # Read by the view: a plan the user may not read answers 404, not a form error.
    plan = forms.CharField(label=_lazy("Đề án"), required=False, widget=forms.Select)
    issued_on = VNDateField(
        label=_lazy("Ngày báo cáo"), required=False, help_text=_lazy("Để trống: hôm nay.")
    )

    def __init__(
        self,
        *args: Any,
        default_year: int,
        default_area: str,
        plans: list[tuple[str, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.default_year, self.default_area = default_year, default_area
        self.fields["plan"].widget.choices = [  # type: ignore[attr-defined]
            (AUTO_PLAN, _("Đề án của đúng địa bàn này có kỳ chứa năm báo cáo")),
            (NO_PLAN, _("Không gắn đề án")),
            *plans,
        ]
        self.fields["area"].widget.choices = []  # type: ignore[attr-defined]

    def clean_plan(self) -> str:
        return str(self.cleaned_data["plan"] or AUTO_PLAN).strip()[:20]

    def clean_year(self) -> int:
        return self.cleaned_data["year"] or self.default_year

    def clean_area(self) -> str:
        return str(self.cleaned_data["area"] or self.default_area).strip().upper()[:10]

    def clean_issued_on(self) -> Any:
        return self.cleaned_data["issued_on"] or today()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        year, code = data.get("year"), data.get("area")
        if year is not None and code and data.get("kind") == ReportKind.ANNUAL:
            try:
                resolve_area(code, year_end(year))
            except AreaError as exc:
                self.add_error("area", str(exc))
        return data

    def set_area_choices(self, choices: list[tuple[str, str]]) -> None:
        self.fields["area"].widget.choices = choices  # type: ignore[attr-defined]


def _text(label: Any, *, required: bool = False, rows: int = 0, max_length: int = 200) -> Any:
    widget = forms.Textarea(attrs={"rows": rows}) if rows else forms.TextInput
    return forms.CharField(
        label=label, required=required, max_length=max_length, widget=widget, strip=True
    )


class DetailsForm(VNForm):
    """The header (prefilled from the issuer of the area and date) and sections V and VI
    (prefilled with what the data say)."""

    number = _text(_lazy("Số"), max_length=40)
    superior = _text(_lazy("Cơ quan chủ quản"))
    agency = _text(_lazy("Cơ quan ban hành"), required=True)
    place = _text(_lazy("Địa danh"), max_length=100)
    symbol = _text(_lazy("Ký hiệu"), max_length=40)
    signer_authority = _text(_lazy("Thẩm quyền ký"), max_length=100)
    signer_title = _text(_lazy("Chức vụ người ký"), rows=2)
    signer_name = _text(_lazy("Họ tên người ký"), max_length=100)
    recipients = _text(_lazy("Nơi nhận (mỗi dòng một nơi)"), rows=4, max_length=4000)
    problems = _text(_lazy("V. Tồn tại, hạn chế, nguyên nhân"), rows=8, max_length=MAX_TEXT)
    directions = _text(_lazy("VI. Phương hướng, kiến nghị"), rows=8, max_length=MAX_TEXT)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["number"].help_text = _("Để trống: lấy số tiếp theo của sổ.")
        for name in ("number", "symbol"):
            self.fields[name].widget.attrs["autocomplete"] = "off"
        for name in ("signer_title", "recipients", "problems", "directions"):
            self.fields[name].wide = True  # type: ignore[attr-defined]
        for field in self.fields.values():
            field.error_messages["max_length"] = _(
                "Dài quá %(limit_value)d ký tự (đang có %(show_value)d)."
            )

    def clean_symbol(self) -> str:
        return str(self.cleaned_data["symbol"]) or "BC-UBND"

    def recipients_list(self) -> list[str]:
        text = self.cleaned_data.get("recipients", "")
        return [line.strip() for line in text.splitlines() if line.strip()]


class IssuerForm(forms.ModelForm):  # type: ignore[type-arg]
    """An issuer of an area from a date; one per area and date (and one undated)."""

    valid_from = VNDateField(
        label=_lazy("Áp dụng cho báo cáo từ ngày"),
        required=False,
        help_text=_lazy("Để trống: áp dụng từ trước tới nay."),
    )

    class Meta:
        model = Issuer
        fields = [
            "area_code",
            "valid_from",
            "superior",
            "agency",
            "place",
            "symbol",
            "signer_authority",
            "signer_title",
            "signer_name",
            "recipients",
        ]
        widgets = {"recipients": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.error_messages["required"] = REQUIRED
            field.error_messages["invalid_choice"] = INVALID_CHOICE
            field.error_messages["max_length"] = _(
                "Dài quá %(limit_value)d ký tự (đang có %(show_value)d)."
            )
        self.fields["recipients"].wide = True  # type: ignore[attr-defined]

    def clean_area_code(self) -> str:
        code = str(self.cleaned_data["area_code"]).strip()
        try:
            resolve_area(code, today())
        except AreaError as exc:
            raise ValidationError(str(exc)) from None
        return code

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        code, since = data.get("area_code"), data.get("valid_from")
        if code:
            same = Issuer.objects.filter(area_code=code, valid_from=since)
            if self.instance.pk:
                same = same.exclude(pk=self.instance.pk)
            if same.exists():
                if since is None:
                    message = _("Địa bàn %(code)s đã có cơ quan ban hành không ghi ngày.")
                else:
                    message = _("Địa bàn %(code)s đã có cơ quan ban hành áp dụng từ ngày %(date)s.")
                self.add_error(
                    "valid_from",
                    message % {"code": code, "date": since.strftime("%d/%m/%Y") if since else ""},
                )
        return data
