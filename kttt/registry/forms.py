"""Forms of the registry pages. Numbers and dates are read by `kttt.registry.validation`,
the same functions the Excel import uses, so that a page and a workbook accept and refuse
exactly the same things (DOMAIN.md §6)."""

import datetime as dt
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import F, QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from kttt.access.registry import code_taken_message
from kttt.access.scope import Scope
from kttt.areas.models import Unit
from kttt.registry import rules, services, validation
from kttt.registry.fields import KindField
from kttt.registry.models import (
    YEARLY_FIELDS,
    Entity,
    Grade,
    GradingRule,
    Kind,
    OcopLevel,
    OcopProduct,
    Sector,
    Status,
)
from kttt.registry.services import ENTITY_FIELDS
from kttt.web import ParsedField, VNDateField, VNDecimalField, VNForm, VNIntegerField, VNYearField


class CodeField(ParsedField):
    parse = staticmethod(validation.entity_code)

    def widget_attrs(self, widget: forms.Widget) -> dict[str, Any]:
        return {**super().widget_attrs(widget), "autocapitalize": "characters", "maxlength": "20"}


class CommuneChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Unit) -> str:  # type: ignore[override]
        return obj.label


def placeable_communes(scope: Scope, on: dt.date | None = None) -> QuerySet[Unit]:
    """Communes where the user may put an entity (`Scope.placeable_communes`, the list
    behind `Scope.covers`; on `on`, those existing then), current ones first."""
    return scope.placeable_communes(on).order_by(F("valid_to").desc(nulls_first=True), "sort_name")


def refresh_communes_on_change(field: forms.Field) -> None:
    """HTMX: when the date changes, reload the commune select with the communes of that
    date (the full list stays usable without JavaScript; clean() checks the date)."""
    field.widget.attrs.update(
        {
            "hx-get": reverse("registry:commune_options"),
            "hx-trigger": "change",
            "hx-target": "#id_unit",
            "hx-include": "#id_unit",
        }
    )


def add_breaches(form: forms.Form, breaches: list[rules.Breach]) -> None:
    """Show each broken rule (kttt.registry.rules) next to its field, or above the form
    when the form has no such field; a field that already has an error keeps only that."""
    for breach in breaches:
        name = breach.field
        if name not in form.fields:
            form.add_error(None, breach.sentence)
        elif name not in form.errors:
            form.add_error(name, breach.sentence)


def check_placement(form: forms.Form, scope: Scope, unit: Unit | None, on: dt.date | None) -> None:
    """A commune must exist on the date and lie in the user's area."""
    if unit is None or on is None:
        return
    if breaches := rules.placement(unit, on):
        add_breaches(form, breaches)
    elif not scope.covers(unit, on):
        form.add_error("unit", _("Địa bàn này nằm ngoài phạm vi được giao của bạn."))


BLANK: list[tuple[str, Any]] = [("", "—")]


class EntityFilterForm(VNForm):
    """The list's search box and filters. An invalid filter is ignored, never an error page."""

    q = forms.CharField(label=_lazy("Tìm kiếm"), required=False, max_length=200)
    area = forms.ChoiceField(label=_lazy("Địa bàn"), required=False)
    sector = forms.ChoiceField(
        label=_lazy("Lĩnh vực"), required=False, choices=BLANK + Sector.choices
    )
    kind = KindField(label=_lazy("Loại hình"), required=False, choices=BLANK + Kind.choices)
    status = forms.ChoiceField(
        label=_lazy("Trạng thái"), required=False, choices=BLANK + Status.choices
    )

    def __init__(self, *args: Any, areas: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["area"].choices = [("", _("Tất cả địa bàn")), *areas]  # type: ignore[attr-defined]
        self.fields["q"].widget.attrs.update(
            {
                "type": "search",
                "placeholder": _("Tên hoặc mã số, không cần dấu"),
                "autocomplete": "off",
            }
        )

    def value(self, name: str) -> str:
        """The cleaned value, or "" when absent or invalid."""
        if not hasattr(self, "cleaned_data"):
            self.is_valid()
        return self.cleaned_data.get(name) or ""


class EntityForm(VNForm):
    code = CodeField(
        label=_lazy("Mã số HTX"),
        help_text=_lazy("Với HTX, LHHTX là mã số thuế; chữ, số và dấu gạch ngang."),
    )
    name = forms.CharField(label=_lazy("Tên"), max_length=255)
    kind = KindField(label=_lazy("Loại hình"))
    sector = forms.ChoiceField(label=_lazy("Lĩnh vực"), choices=Sector.choices)
    established_on = VNDateField(label=_lazy("Ngày thành lập"))
    unit = CommuneChoiceField(
        label=_lazy("Xã, phường, thị trấn"),
        queryset=Unit.objects.none(),
        empty_label="—",
        help_text=_lazy("Đơn vị hành chính tại ngày thành lập."),
    )
    is_model_coop = forms.BooleanField(
        label=_lazy("HTX kiểu mới hiệu quả (QĐ 167)"), required=False
    )
    address = forms.CharField(label=_lazy("Địa chỉ"), max_length=255, required=False)
    phone = forms.CharField(label=_lazy("Điện thoại"), max_length=30, required=False)
    representative = forms.CharField(
        label=_lazy("Người đại diện theo pháp luật"), max_length=120, required=False
    )
    listed_publicly = forms.BooleanField(
        label=_lazy("HTX đồng ý giới thiệu sản phẩm trên trang công khai"),
        required=False,
        help_text=_lazy(
            "Trang “Giới thiệu sản phẩm” (không cần đăng nhập) chỉ hiện tên, xã, lĩnh vực, sản "
            "phẩm OCOP còn hiệu lực, địa chỉ và điện thoại."
        ),
    )

    def __init__(self, *args: Any, scope: Scope, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.scope = scope
        if "unit" in self.fields:
            self.fields["unit"].queryset = placeable_communes(scope)  # type: ignore[attr-defined]
            self.fields["unit"].error_messages["invalid_choice"] = _lazy(
                "Địa bàn này nằm ngoài phạm vi được giao của bạn."
            )
            refresh_communes_on_change(self.fields["established_on"])
        self.fields["phone"].widget.attrs["inputmode"] = "tel"

    def clean_code(self) -> str:
        code = self.cleaned_data["code"]
        if Entity.objects.filter(code=code).exists():
            raise ValidationError(code_taken_message(self.scope, code))
        return code  # type: ignore[no-any-return]

    def clean_name(self) -> str:
        return validation.text(self.cleaned_data["name"])

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if (established := data.get("established_on")) is not None:
            add_breaches(self, rules.founding(established))
        if "unit" in self.fields and "established_on" not in self.errors:
            check_placement(self, self.scope, data.get("unit"), established)
        return data

    def values(self) -> dict[str, Any]:
        return {f: self.cleaned_data[f] for f in ENTITY_FIELDS}


class EntityEditForm(EntityForm):
    """Code and commune are not edited here: a move has its own dated form."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["code"]
        del self.fields["unit"]


class StatusForm(VNForm):
    status = forms.ChoiceField(label=_lazy("Trạng thái mới"), choices=Status.choices)
    date = VNDateField(label=_lazy("Ngày đổi trạng thái"))
    note = forms.CharField(
        label=_lazy("Ghi chú"),
        max_length=255,
        required=False,
        help_text=_lazy("Ví dụ: số quyết định, văn bản căn cứ."),
    )


class MoveForm(VNForm):
    unit = CommuneChoiceField(
        label=_lazy("Chuyển đến xã, phường, thị trấn"),
        queryset=Unit.objects.none(),
        empty_label="—",
    )
    date = VNDateField(label=_lazy("Từ ngày"))
    note = forms.CharField(label=_lazy("Ghi chú"), max_length=255, required=False)

    def __init__(self, *args: Any, scope: Scope, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.scope = scope
        self.fields["unit"].queryset = placeable_communes(scope)  # type: ignore[attr-defined]
        self.fields["unit"].error_messages["invalid_choice"] = _lazy(
            "Địa bàn này nằm ngoài phạm vi được giao của bạn."
        )
        refresh_communes_on_change(self.fields["date"])

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        check_placement(self, self.scope, data.get("unit"), data.get("date"))
        return data


def _count(label: Any) -> VNIntegerField:
    return VNIntegerField(label=label, required=False)


def _money(label: Any, negative: bool = False) -> VNDecimalField:
    return VNDecimalField(label=label, required=False, negative=negative)


class YearlyForm(VNForm):
    """Số liệu năm (DOMAIN.md §2, §6). A blank figure is unknown, not zero."""

    year = VNYearField(label=_lazy("Năm"))
    members = _count(_lazy("Số thành viên"))
    workers = _count(_lazy("Lao động thường xuyên"))
    workers_trained = _count(_lazy("Lao động qua đào tạo nghề"))
    managers = _count(_lazy("Cán bộ quản lý"))
    managers_primary = _count(_lazy("CBQL sơ cấp"))
    managers_intermediate = _count(_lazy("CBQL trung cấp"))
    managers_college = _count(_lazy("CBQL cao đẳng"))
    managers_university = _count(_lazy("CBQL đại học trở lên"))
    charter_capital = _money(_lazy("Vốn điều lệ (triệu đồng)"))
    revenue = _money(_lazy("Doanh thu (triệu đồng)"))
    profit = _money(_lazy("Lợi nhuận (triệu đồng)"), negative=True)
    income_avg = _money(_lazy("Thu nhập bình quân (triệu đồng/người/năm)"))
    tax = _money(_lazy("Nộp ngân sách (triệu đồng)"))
    grade = forms.ChoiceField(
        label=_lazy("Xếp loại"),
        required=False,
        choices=[("", _lazy("Chưa xếp loại")), *Grade.choices],
    )
    hightech = forms.BooleanField(label=_lazy("Ứng dụng công nghệ cao"), required=False)
    value_chain = forms.BooleanField(
        label=_lazy("Liên kết chuỗi giá trị với doanh nghiệp"), required=False
    )

    def __init__(self, *args: Any, entity: Entity, year: int | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.entity = entity
        self.fixed_year = year
        if year is not None:
            del self.fields["year"]  # the row being edited keeps its year

    def clean_year(self) -> int:
        year = self.cleaned_data["year"]
        if self.entity.reports.filter(year=year).exists():
            raise ValidationError(
                _("Đã có số liệu năm %(year)s của HTX này; hãy sửa dòng đó.") % {"year": year}
            )
        return year  # type: ignore[no-any-return]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        figures = {f: data.get(f) for f in YEARLY_FIELDS}
        year = self.fixed_year if self.fixed_year is not None else data.get("year")
        if year is None:
            breaches = rules.yearly_figures(figures)
        else:
            breaches = rules.yearly(
                year=year, established_on=self.entity.established_on, values=figures
            )
        add_breaches(self, breaches)
        return data

    @property
    def the_year(self) -> int:
        return self.fixed_year if self.fixed_year is not None else self.cleaned_data["year"]

    def values(self) -> dict[str, Any]:
        return {f: self.cleaned_data.get(f) for f in YEARLY_FIELDS}


class OcopForm(VNForm):
    name = forms.CharField(label=_lazy("Tên sản phẩm"), max_length=255)
    stars = forms.TypedChoiceField(
        label=_lazy("Số sao"), coerce=int, choices=[(3, "3 ★"), (4, "4 ★"), (5, "5 ★")]
    )
    recognized_on = VNDateField(label=_lazy("Ngày công nhận"))
    level = forms.ChoiceField(
        label=_lazy("Cấp công nhận"), required=False, choices=BLANK + OcopLevel.choices
    )

    def __init__(
        self, *args: Any, entity: Entity, product: OcopProduct | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.entity, self.product = entity, product

    def clean_name(self) -> str:
        name = validation.text(self.cleaned_data["name"])
        others = self.entity.ocop_products.filter(name=name)
        if self.product is not None:
            others = others.exclude(pk=self.product.pk)
        if others.exists():
            raise ValidationError(_("HTX đã có sản phẩm OCOP tên này."))
        return name

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        values = {f: data.get(f) for f in ("stars", "recognized_on", "level")}
        add_breaches(self, services.ocop_rules(self.entity, values))
        return data

    def values(self) -> dict[str, Any]:
        return {f: self.cleaned_data[f] for f in ("stars", "recognized_on", "level")}


class GradingRuleForm(VNForm):
    """A grading rule (kttt.registry.grading): its validity, the names of the four grades
    under it and the grades that count as "hoạt động hiệu quả"."""

    name = forms.CharField(
        label=_lazy("Văn bản quy định"),
        max_length=200,
        help_text=_lazy("Ví dụ: Thông tư 01/2020/TT-BKHĐT."),
    )
    valid_from = VNDateField(label=_lazy("Có hiệu lực từ ngày"))
    valid_to = VNDateField(
        label=_lazy("Ngày cuối cùng còn hiệu lực"),
        required=False,
        help_text=_lazy("Để trống khi quy định còn hiệu lực."),
    )
    label_tot = forms.CharField(label=_lazy("Tên mức “Tốt”"), max_length=60)
    label_kha = forms.CharField(label=_lazy("Tên mức “Khá”"), max_length=60)
    label_trung_binh = forms.CharField(label=_lazy("Tên mức “Trung bình”"), max_length=60)
    label_yeu = forms.CharField(label=_lazy("Tên mức “Yếu”"), max_length=60)
    effective = forms.MultipleChoiceField(
        label=_lazy("Các mức được tính là hoạt động hiệu quả"),
        choices=Grade.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,  # the service says why none is refused
    )
    note = forms.CharField(
        label=_lazy("Căn cứ, ghi chú"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    LABEL_FIELDS = {code: f"label_{code}" for code in Grade.values}

    @classmethod
    def initial_for(cls, rule: GradingRule | None) -> dict[str, Any]:
        if rule is None:
            return {f: str(Grade(code).label) for code, f in cls.LABEL_FIELDS.items()}
        initial: dict[str, Any] = {
            "name": rule.name,
            "valid_from": rule.valid_from,
            "valid_to": rule.valid_to,
            "effective": list(rule.effective),
            "note": rule.note,
        }
        initial.update({f: rule.label(code) for code, f in cls.LABEL_FIELDS.items()})
        return initial

    def values(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "name": data["name"].strip(),
            "valid_from": data["valid_from"],
            "valid_to": data["valid_to"],
            "labels": {code: data[f] for code, f in self.LABEL_FIELDS.items()},
            "effective": data["effective"],
            "note": data["note"],
        }
