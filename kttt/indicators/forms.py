"""The selector of the indicator pages: a year, an area selector and a kind."""

import datetime as dt
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.core.exceptions import ValidationError
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _lazy

from kttt.areas.services import Area, AreaError, resolve_area
from kttt.lib.dates import year_end
from kttt.registry import validation
from kttt.registry.fields import KindField
from kttt.registry.models import Kind
from kttt.web import VNForm


class SelectorForm(VNForm):
    """Every field may be left out (the defaults are used); anything else that cannot be
    read is an error with a Vietnamese message, never a traceback."""

    year = forms.CharField(label=_lazy("Năm"), required=False, widget=forms.Select)
    area = forms.CharField(label=_lazy("Địa bàn"), required=False, widget=forms.Select)
    kind = KindField(label=_lazy("Loại hình"), required=False)
    # Official figures use approved yearly data; a reader may look at the rest too.
    chua_duyet = forms.BooleanField(label=_lazy("Gồm cả số liệu chưa duyệt"), required=False)

    def __init__(
        self, *args: Any, years: list[int], default_year: int, default_area: str, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.years, self.default_year, self.default_area = years, default_year, default_area
        self.selected_area: Area | None = None
        self.set_area_choices([])

    def clean_year(self) -> int:
        raw = self.cleaned_data["year"]
        if validation.is_blank(raw):
            return self.default_year
        try:
            return validation.year(raw)
        except validation.Invalid as exc:
            raise ValidationError(capfirst(str(exc))) from None

    def clean_area(self) -> str:
        return str(self.cleaned_data["area"] or self.default_area).strip().upper()

    def clean_kind(self) -> str:
        return self.cleaned_data["kind"] or Kind.HTX

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        year, code = data.get("year"), data.get("area")
        if year is not None and code is not None:
            try:
                self.selected_area = resolve_area(code, year_end(year))
            except AreaError as exc:
                self.add_error("area", str(exc))
        return data

    @property
    def year_value(self) -> int:
        """The year asked when it could be read, else the default (for the choices)."""
        if self.is_bound and self.is_valid():
            return int(self.cleaned_data["year"])
        return self.default_year

    @property
    def on(self) -> dt.date:
        return year_end(self.year_value)

    @property
    def query(self) -> str:
        """The selection as a query string, for links to the other pages."""
        assert self.selected_area is not None
        return urlencode(
            {
                "year": self.cleaned_data["year"],
                "area": self.selected_area.code,
                "kind": self.kind_code,
                **({"chua_duyet": "1"} if self.include_unapproved else {}),
            }
        )

    @property
    def include_unapproved(self) -> bool:
        return bool(self.is_bound and self.is_valid() and self.cleaned_data.get("chua_duyet"))

    @property
    def kind_code(self) -> str:
        return str(self.cleaned_data["kind"])

    def set_area_choices(self, choices: list[tuple[str, str]]) -> None:
        year = self.year_value
        years = sorted({*self.years, year}, reverse=True)
        self.fields["year"].widget.choices = [(str(y), str(y)) for y in years]  # type: ignore[attr-defined]
        self.fields["area"].widget.choices = choices  # type: ignore[attr-defined]
