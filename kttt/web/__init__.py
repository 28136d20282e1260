"""The shared web layer: what the views and forms of every app use. It imports only
`kttt.lib` and Django (tests/test_layers.py)."""

from kttt.web.fields import (
    INVALID_CHOICE,
    REQUIRED,
    ParsedField,
    VNDateField,
    VNDecimalField,
    VNForm,
    VNIntegerField,
    VNYearField,
)
from kttt.web.pages import is_partial, saved
from kttt.web.versions import Conflict, Guard, conflict_status

__all__ = [
    "INVALID_CHOICE",
    "REQUIRED",
    "Conflict",
    "Guard",
    "ParsedField",
    "VNDateField",
    "VNDecimalField",
    "VNForm",
    "VNIntegerField",
    "VNYearField",
    "conflict_status",
    "is_partial",
    "saved",
]
