"""Form fields that read numbers and dates the Vietnamese way, with the same readers as the
registry's Excel import (`kttt.web.values`), and a form whose Django messages are Vietnamese
whatever the browser's language."""

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _lazy

from kttt.lib.dates import format_date
from kttt.lib.numbers import format_number
from kttt.web import values

REQUIRED = _lazy("Chưa nhập trường này.")
INVALID_CHOICE = _lazy("Lựa chọn không hợp lệ.")


class VNForm(forms.Form):
    """Vietnamese messages for Django's own checks too, whatever the browser's language."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.error_messages["required"] = REQUIRED
            field.error_messages["invalid_choice"] = INVALID_CHOICE


class ParsedField(forms.Field):
    """A text input read by one function of `kttt.web.values`, whose Invalid becomes a form
    error next to the field."""

    widget = forms.TextInput
    parse: Callable[[Any], Any]
    inputmode = "text"

    def to_python(self, value: Any) -> Any:
        if values.is_blank(value):
            return None
        try:
            return type(self).parse(value)
        except values.Invalid as exc:
            raise ValidationError(capfirst(str(exc)), code="invalid") from None

    def widget_attrs(self, widget: forms.Widget) -> dict[str, Any]:
        return {**super().widget_attrs(widget), "inputmode": self.inputmode}


class VNIntegerField(ParsedField):
    """A count: a whole number from 0 to 1.000.000, "63.090" accepted."""

    parse = staticmethod(values.count)
    inputmode = "numeric"

    def prepare_value(self, value: Any) -> Any:
        return format_number(value) if isinstance(value, int) else value


class VNDecimalField(ParsedField):
    """Money in triệu đồng: "1.234,5" or "46.5"; negative only where allowed (profit)."""

    inputmode = "decimal"

    def __init__(self, *, negative: bool = False, **kwargs: Any) -> None:
        self.negative = negative
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> Decimal | None:
        if values.is_blank(value):
            return None
        try:
            return values.money(value, negative=self.negative)
        except values.Invalid as exc:
            raise ValidationError(capfirst(str(exc)), code="invalid") from None

    def widget_attrs(self, widget: forms.Widget) -> dict[str, Any]:
        attrs = super().widget_attrs(widget)
        # A minus sign is missing from some phones' decimal keypads.
        if self.negative:
            attrs["inputmode"] = "text"
        return attrs

    def prepare_value(self, value: Any) -> Any:
        return format_number(value, 3) if isinstance(value, Decimal | int | float) else value


class VNYearField(ParsedField):
    parse = staticmethod(values.year)
    inputmode = "numeric"

    def prepare_value(self, value: Any) -> Any:
        return str(value) if isinstance(value, int) else value  # never "2.021"


class VNDateField(ParsedField):
    """dd/mm/yyyy (also d/m/yyyy and yyyy-mm-dd)."""

    parse = staticmethod(values.date)

    def widget_attrs(self, widget: forms.Widget) -> dict[str, Any]:
        return {**super().widget_attrs(widget), "placeholder": "dd/mm/yyyy", "autocomplete": "off"}

    def prepare_value(self, value: Any) -> Any:
        return format_date(value) if isinstance(value, dt.date) else value
