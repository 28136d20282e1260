"""Who issues a report: the settings of the installation (`Issuer` rows, per area and from a
date), or, without one, the People's Committee of the unit that answers for the area on the
report's date. After the 2025 reform an ended district's report is issued by the new level:
the unit that took over its territory when there is exactly one, otherwise the province."""

import datetime as dt
from dataclasses import asdict, dataclass, field

from django.db.models import Q
from django.utils.translation import gettext as _

from kttt.areas.models import Level, Unit
from kttt.areas.services import last_ended, successors, unit_at
from kttt.documents.models import Issuer


@dataclass
class IssuerData:
    superior: str
    agency: str
    place: str
    symbol: str
    signer_authority: str
    signer_title: str
    signer_name: str
    recipients: list[str] = field(default_factory=list)

    def as_json(self) -> dict[str, object]:
        return asdict(self)


def _bare_name(unit: Unit) -> str:
    """ "Huyện Phong Thổ" -> "Phong Thổ" (the place name of "Phong Thổ, ngày …")."""
    prefix = unit.division_type.strip()
    if prefix and unit.name.lower().startswith(prefix.lower() + " "):
        return unit.name[len(prefix) + 1 :]
    return unit.name


def answering_unit(area_code: str, on: dt.date) -> Unit | None:
    """The unit whose People's Committee answers for the area on `on`: the unit itself while
    it exists; after it ended, its only successor, or else the province it belonged to.
    The whole country ("VN") and a malformed code have none."""
    if not str(area_code).strip().isdigit():
        return None
    unit = unit_at(area_code, on)
    if unit is not None:
        return unit
    ended = last_ended(area_code, on)
    if ended is None:
        return None
    found, _split = successors(ended, on)
    if len(found) == 1:
        return Unit.objects.get(pk=next(iter(found)))
    if ended.province_id:
        return Unit.objects.filter(Q(pk=ended.province_id)).first()
    return None


def derived(area_code: str, on: dt.date) -> IssuerData:
    unit = answering_unit(area_code, on)
    if unit is None:
        return IssuerData("", _("ỦY BAN NHÂN DÂN"), "", "BC-UBND", "", "", "", [_("Lưu: VT.")])
    parent = unit.parent if unit.parent and unit.parent.is_valid_at(on) else None
    recipients = []
    if parent is not None:
        recipients.append(_("UBND %(name)s (b/c);") % {"name": parent.name.lower()})
    recipients.append(_("Lưu: VT."))
    return IssuerData(
        superior="",
        agency=_("ỦY BAN NHÂN DÂN %(name)s") % {"name": unit.name.upper()},
        place=_bare_name(unit),
        symbol="BC-UBND",
        signer_authority=_("TM. ỦY BAN NHÂN DÂN"),
        signer_title=_("CHỦ TỊCH") if unit.level != Level.PROVINCE else _("KT. CHỦ TỊCH"),
        signer_name="",
        recipients=recipients,
    )


def issuer_for(area_code: str, on: dt.date) -> IssuerData:
    """The issuer recorded for the area in force on `on` (the latest whose date has come),
    or the derived one."""
    rows = list(Issuer.objects.filter(area_code=str(area_code).strip()))
    dated = sorted((r.valid_from, r.pk) for r in rows if r.valid_from and r.valid_from <= on)
    undated = [r for r in rows if r.valid_from is None]
    by_pk = {r.pk: r for r in rows}
    row = by_pk[dated[-1][1]] if dated else (undated[0] if undated else None)
    if row is None:
        return derived(area_code, on)
    return IssuerData(
        superior=row.superior,
        agency=row.agency,
        place=row.place,
        symbol=row.symbol,
        signer_authority=row.signer_authority,
        signer_title=row.signer_title,
        signer_name=row.signer_name,
        recipients=[line.strip() for line in row.recipients.splitlines() if line.strip()],
    )
