"""Forms for entering a plan from the web (no code needed for a new plan) and for copying
it to a new period.

The model's rules (a period in order) are checked here first with Vietnamese messages; the
model constraints are the backstop. Years are read the Vietnamese way by
`kttt.registry.validation`."""

import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from kttt.access.plans import may_write_plans_for
from kttt.access.scope import Scope, today
from kttt.lib.dates import format_date
from kttt.lib.numbers import format_number
from kttt.plans.evaluation import PlanError
from kttt.plans.models import Plan
from kttt.plans.services import (
    DECISION_FIELDS,
    copy_area_code,
    copy_areas,
    plan_area_code,
)
from kttt.registry import validation
from kttt.registry.models import MIN_YEAR
from kttt.web import VNForm
from kttt.web.fields import VNDateField

MAX_YEAR = 2100
# A plan's years are evaluated one by one: a strategy runs ten years, a plan five.
MAX_PERIOD = 15
NOT_YOURS = _lazy("Địa bàn này nằm ngoài phạm vi được giao của bạn.")
# "123/QĐ-UBND", "45/2021/QĐ-UBND", "07/NQ-HĐND": a number, then "/" and a symbol of
# letters and digits joined by "/", "-" or ".".
DECISION_NUMBER = re.compile(r"^\d+(?:/[0-9A-Za-zÀ-ỹĐđ]+(?:[-.][0-9A-Za-zÀ-ỹĐđ]+)*)+$")
# The plan's own text is a few pages; a pasted document is refused rather than cut.
MAX_TEXT = 20_000
MAX_BASES = 5_000
MAX_BASIS_LINE = 500


class DecisionForm(VNForm):
    """The approving decision: number, date, issuing agency (all optional)."""

    decision_number = forms.CharField(
        label=_lazy("Số, ký hiệu quyết định"),
        max_length=50,
        required=False,
        help_text=_lazy("Ví dụ 123/QĐ-UBND; để trống nếu chưa biết."),
    )
    decision_date = VNDateField(label=_lazy("Ngày quyết định"), required=False)
    decision_agency = forms.CharField(
        label=_lazy("Cơ quan ban hành"),
        max_length=200,
        required=False,
        help_text=_lazy("Ví dụ UBND huyện Phong Thổ."),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        clean_decision(self, data)
        return data


def clean_decision(form: forms.Form, data: dict[str, Any]) -> None:
    """A number of the form 123/QĐ-UBND; a date that is not in the future."""
    number = " ".join(str(data.get("decision_number") or "").split())
    number = number.replace(" /", "/").replace("/ ", "/")
    if number and not DECISION_NUMBER.match(number):
        form.add_error(
            "decision_number",
            _("Số quyết định phải có dạng số/ký hiệu, ví dụ 123/QĐ-UBND."),
        )
    data["decision_number"] = number
    data["decision_agency"] = " ".join(str(data.get("decision_agency") or "").split())
    day = data.get("decision_date")
    if day is not None and day > today():
        form.add_error(
            "decision_date",
            _("Ngày quyết định %(date)s chưa đến (hôm nay là %(today)s).")
            % {"date": format_date(day), "today": format_date(today())},
        )


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


def _plain(text: str) -> str:
    """Line ends as \n, no spaces at the ends of lines, no blank lines at either end."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return "\n".join(line.rstrip() for line in text.split("\n")).strip("\n")


def _text_field(label: Any, help_text: Any) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=False,
        strip=False,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": 8}),
    )


PARAGRAPHS = _lazy("Văn bản thường; các đoạn cách nhau một dòng trống.")


class PlanTextForm(DecisionForm):
    """The plan's own text: its decision, legal bases and sections I, II.3 and III.1."""

    legal_bases = forms.CharField(
        label=_lazy("Căn cứ"),
        required=False,
        strip=False,
        help_text=_lazy("Mỗi căn cứ một dòng, ví dụ “Luật Hợp tác xã số 17/2023/QH15;”."),
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    purpose = _text_field(_lazy("I. Mục đích, yêu cầu"), PARAGRAPHS)
    assessment = _text_field(
        _lazy("II.3. Đánh giá về tình hình hoạt động của các Hợp tác xã"),
        _lazy("Kể cả những tồn tại, hạn chế. Các đoạn cách nhau một dòng trống."),
    )
    general_objective = _text_field(_lazy("III.1. Mục tiêu chung"), PARAGRAPHS)

    TEXTS = ("legal_bases", "purpose", "assessment", "general_objective")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for name in self.TEXTS:
            if name not in data:
                continue
            text = _plain(data[name] or "")
            limit = MAX_BASES if name == "legal_bases" else MAX_TEXT
            if len(text) > limit:
                self.add_error(
                    name,
                    _("Dài quá %(limit)s ký tự (đang có %(n)s).")
                    % {"limit": format_number(limit), "n": format_number(len(text))},
                )
            data[name] = text
        for line in (data.get("legal_bases") or "").split("\n"):
            if len(line) > MAX_BASIS_LINE:
                self.add_error(
                    "legal_bases",
                    _("Mỗi căn cứ tối đa %(n)s ký tự: “%(start)s…” dài hơn.")
                    % {"n": MAX_BASIS_LINE, "start": line[:40]},
                )
                break
        return data

    def values(self) -> dict[str, Any]:
        return {f: self.cleaned_data[f] for f in self.fields}

    @staticmethod
    def initial_of(plan: Plan) -> dict[str, Any]:
        names = ("decision_number", "decision_date", "decision_agency", *PlanTextForm.TEXTS)
        return {f: getattr(plan, f) for f in names}


class CopyPlanForm(DecisionForm):
    """A new plan for the next period with the same targets, for the plan's area or, when
    that has ended, for one of the units that carried it on (`services.copy_areas`)."""

    name = forms.CharField(label=_lazy("Tên đề án mới"), max_length=300)
    area_code = forms.CharField(label=_lazy("Địa bàn của đề án mới"), max_length=5)
    start_year = PlanYearField(label=_lazy("Năm bắt đầu"))
    end_year = PlanYearField(label=_lazy("Năm kết thúc"))
    baseline_year = PlanYearField(
        label=_lazy("Năm cơ sở"),
        required=False,
        help_text=_lazy(
            "Để trống là năm cuối của kỳ trước; giá trị năm cơ sở của từng mục tiêu được "
            "tính cho địa bàn mới tại năm này."
        ),
    )
    field_order = [
        "name",
        "area_code",
        "start_year",
        "end_year",
        "baseline_year",
        "decision_number",
        "decision_date",
        "decision_agency",
    ]

    def __init__(self, *args: Any, plan: Plan, scope: Scope, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.plan, self.scope = plan, scope
        self.start = self._asked_start()
        self.areas = copy_areas(plan, self.start)
        offered = [
            (u.code, f"{u.name} ({u.code})")
            for u in self.areas.units
            if may_write_plans_for(scope, u.code, self.start)
        ]
        field = self.fields["area_code"]
        field.widget = forms.Select(choices=[("", "---------"), *offered])
        if self.areas.ended is not None:
            assert self.areas.ended.valid_to is not None
            field.help_text = _(
                "%(area)s đã kết thúc ngày %(end)s (sắp xếp đơn vị hành chính). Đề án mới "
                "lập cho một đơn vị đang tồn tại đã kế tục địa bàn: một xã mới hoặc tỉnh."
            ) % {"area": self.areas.ended.name, "end": format_date(self.areas.ended.valid_to)}
        elif len(offered) == 1:
            field.initial = offered[0][0]
            field.help_text = _("Đề án mới giữ địa bàn của đề án.")

    def _asked_start(self) -> int:
        """The new period's first year as posted, else proposed (the areas depend on it)."""
        raw = str(self.data.get("start_year", "")).strip() if self.is_bound else ""
        if raw.isdigit() and MIN_YEAR <= int(raw) <= MAX_YEAR:
            return int(raw)
        return self.plan.end_year + 1

    @staticmethod
    def initial_of(plan: Plan) -> dict[str, Any]:
        """The next period of the same length, its years in the name, the old end year as
        the baseline year."""
        length = plan.end_year - plan.start_year
        start, end = plan.end_year + 1, plan.end_year + 1 + length
        name = plan.name
        for dash in ("-", "–"):
            name = name.replace(f"{plan.start_year}{dash}{plan.end_year}", f"{start}{dash}{end}")
        return {"name": name, "start_year": start, "end_year": end, "baseline_year": plan.end_year}

    def clean_name(self) -> str:
        return validation.text(self.cleaned_data["name"])

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("start_year") is not None and data.get("baseline_year") is None:
            data["baseline_year"] = self.plan.end_year
        check_period(self, data)
        start, code = data.get("start_year"), data.get("area_code")
        if start is not None and code and "area_code" not in self.errors:
            try:
                data["area_code"] = copy_area_code(self.plan, code, start)
            except PlanError as exc:
                self.add_error("area_code", str(exc))
            else:
                if not may_write_plans_for(self.scope, data["area_code"], start):
                    self.add_error("area_code", NOT_YOURS)
        return data

    def decision(self) -> dict[str, Any]:
        return {f: self.cleaned_data[f] for f in DECISION_FIELDS}
