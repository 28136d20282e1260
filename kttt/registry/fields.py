"""Form fields for registry enumerations that people type or link by more than one name."""

from typing import Any

from django import forms

from kttt.registry import validation
from kttt.registry.models import Kind


class KindField(forms.ChoiceField):
    """Loại hình: the stored value (`htx`), the name (`Hợp tác xã`, `hop tac xa`) or the
    short form (`HTX`, `LHHTX`, `THT`) all mean the same choice, as in the import."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("choices", Kind.choices)
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> str:
        value = super().to_python(value)
        if not value:
            return value  # type: ignore[no-any-return]
        try:
            return validation.kind(value)
        except validation.Invalid:
            return value  # type: ignore[no-any-return]  # refused by validate() as a bad choice
