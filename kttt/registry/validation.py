"""Reading and checking registry values, shared by the Excel import, the web forms and the
API so that they accept and refuse exactly the same things (DOMAIN.md §6).

Every error is a Vietnamese sentence a person can act on.
"""

import re
from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext as _

from kttt.lib.text import fold_key
from kttt.registry.models import (
    Grade,
    Kind,
    OcopLevel,
    Sector,
    Status,
)

# The generic readers, re-exported: the registry's import and forms read values through here.
from kttt.web.values import Invalid as Invalid
from kttt.web.values import count as count
from kttt.web.values import date as date
from kttt.web.values import is_blank as is_blank
from kttt.web.values import money as money
from kttt.web.values import number as number
from kttt.web.values import text as text
from kttt.web.values import year as year

CODE_PATTERN = re.compile(r"^[A-Za-z0-9-]{1,20}$")


def _choices_lookup(choices: Any, aliases: Mapping[str, str] | None = None) -> dict[str, str]:
    """Folded value, label or alias -> the choice's value (what the database stores)."""
    table = {}
    for value, label in choices.choices:
        table[fold_key(value)] = value
        table[fold_key(str(label))] = value
    for alias, value in (aliases or {}).items():
        table[fold_key(alias)] = choices(value).value
    return table


# The short forms of Luật HTX 2023 (DOMAIN.md §2), documented in docs/import-template.md.
KIND_SHORT_FORMS = {"HTX": Kind.HTX, "LHHTX": Kind.LHHTX, "THT": Kind.THT}
_KINDS = _choices_lookup(Kind, KIND_SHORT_FORMS)
_SECTORS = _choices_lookup(Sector)
_STATUSES = _choices_lookup(Status)
_GRADES = _choices_lookup(Grade)
_OCOP_LEVELS = _choices_lookup(OcopLevel)
_YES_NO = {
    "co": True,
    "khong": False,
    "x": True,
    "1": True,
    "0": False,
    "true": True,
    "false": False,
}


def _enum(raw: Any, table: Mapping[str, str], what: str, choices: Any) -> str:
    key = fold_key(text(raw))
    if key in table:
        return table[key]
    allowed = ", ".join(str(label) for _v, label in choices.choices)
    raise Invalid(
        _("“%(value)s” không phải %(what)s hợp lệ (một trong: %(allowed)s)")
        % {"value": text(raw), "what": what, "allowed": allowed}
    )


def kind(raw: Any) -> str:
    if is_blank(raw):
        raise Invalid(_("chưa nhập loại hình"))
    return _enum(raw, _KINDS, _("loại hình"), Kind)


def sector(raw: Any) -> str:
    if is_blank(raw):
        raise Invalid(_("chưa nhập lĩnh vực"))
    return _enum(raw, _SECTORS, _("lĩnh vực"), Sector)


def status(raw: Any) -> str:
    if is_blank(raw):
        return Status.ACTIVE
    return _enum(raw, _STATUSES, _("trạng thái"), Status)


def grade(raw: Any) -> str:
    if is_blank(raw):
        return ""
    return _enum(raw, _GRADES, _("xếp loại"), Grade)


def ocop_level(raw: Any) -> str:
    if is_blank(raw):
        return ""
    return _enum(raw, _OCOP_LEVELS, _("cấp công nhận"), OcopLevel)


def yes_no(raw: Any) -> bool:
    if is_blank(raw):
        return False
    if isinstance(raw, bool):
        return raw
    key = fold_key(text(raw))
    if key in _YES_NO:
        return _YES_NO[key]
    raise Invalid(_("“%(value)s” phải là Có hoặc Không") % {"value": text(raw)})


def entity_code(raw: Any) -> str:
    value = text(raw)
    if not value:
        raise Invalid(_("chưa nhập mã số HTX"))
    if not CODE_PATTERN.match(value):
        raise Invalid(
            _("mã “%(value)s” chỉ được gồm chữ, số, dấu gạch ngang và tối đa 20 ký tự")
            % {"value": value}
        )
    return value


def required_text(raw: Any, what: str, max_length: int = 255) -> str:
    value = text(raw)
    if not value:
        raise Invalid(_("chưa nhập %(what)s") % {"what": what})
    if len(value) > max_length:
        raise Invalid(_("dài quá %(max)s ký tự") % {"max": max_length})
    return value


def optional_text(raw: Any, max_length: int = 255) -> str:
    """Free text that may be blank; a number typed in a cell (a phone number) reads as its
    digits ("2133888999", not "2133888999.0")."""
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    value = text(raw)
    if len(value) > max_length:
        raise Invalid(_("dài quá %(max)s ký tự") % {"max": max_length})
    return value


def stars(raw: Any) -> int:
    value = count(raw)
    if value is None:
        raise Invalid(_("chưa nhập số sao"))
    if not 3 <= value <= 5:
        raise Invalid(_("số sao phải là 3, 4 hoặc 5"))
    return value
