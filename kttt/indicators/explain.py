"""Trace a figure back to the cooperatives and rows behind it, from the indicator's own
declaration (its basis, row filter and field)."""

from typing import Any

from django.conf import settings
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext as _

from kttt.areas.services import resolve_area
from kttt.indicators.definitions import BY_CODE
from kttt.indicators.engine import compute, population, reports_of, valid_ocop
from kttt.lib.dates import year_end
from kttt.registry.models import ENDING_STATUSES, Entity, OcopProduct, StatusChange
from kttt.registry.queries import in_area
from kttt.registry.reporting import on_time_q


class UnknownIndicator(ValueError):
    pass


def explain(
    year: int, area_code: str | None, kind: str, code: str, *, include_unapproved: bool = False
) -> dict[str, Any]:
    indicator = BY_CODE.get(code)
    if indicator is None:
        raise UnknownIndicator(_("Không có chỉ tiêu “%(code)s”.") % {"code": code})
    area_code = area_code or settings.KTTT_HOME_AREA
    result = compute(year, area_code, kind, include_unapproved=include_unapproved)
    area = resolve_area(area_code, year_end(year))
    p = population(area, kind)
    located = in_area(Entity.objects.filter(kind=kind), area)
    rows: list[dict[str, Any]]
    if indicator.basis == "P":
        rows = [{"code": c, "name": n} for c, n in p.values_list("code", "name")]
    elif indicator.basis == "new":
        founded = located.filter(established_on__year=year)
        rows = [
            {"code": c, "name": n, "established_on": d.isoformat()}
            for c, n, d in founded.values_list("code", "name", "established_on")
        ]
    elif indicator.basis == "dissolved":
        ended = StatusChange.objects.filter(
            entity=OuterRef("pk"), status__in=ENDING_STATUSES, date__year=year
        )
        rows = [
            {"code": c, "name": n}
            for c, n in located.filter(Exists(ended)).values_list("code", "name")
        ]
    elif indicator.basis == "ontime":
        on_time = reports_of(p, year, include_unapproved=True).filter(on_time_q(year))
        rows = [
            {"code": c, "name": n}
            for c, n in on_time.order_by("entity__sort_name").values_list(
                "entity__code", "entity__name"
            )
        ]
    elif indicator.basis == "ocop":
        ids = [pid for _e, pid, _rec in valid_ocop(p, area.as_of)]
        rows = [
            {"code": c, "name": n, "product": prod, "recognized_on": rec.isoformat()}
            for c, n, prod, rec in OcopProduct.objects.filter(pk__in=ids)
            .order_by("entity__sort_name", "name")
            .values_list("entity__code", "entity__name", "name", "recognized_on")
        ]
    else:
        reports = reports_of(p, year, include_unapproved=include_unapproved).filter(
            indicator.row_filter()
        )
        fields = ["entity__code", "entity__name"] + ([indicator.field] if indicator.field else [])
        rows = []
        for values in reports.order_by("entity__sort_name").values_list(*fields):
            row = {"code": values[0], "name": values[1]}
            if indicator.field:
                value = values[2]
                row["value"] = None if value is None else float(value)
            rows.append(row)
    return {
        "year": year,
        "area": result["area"],
        "kind": kind,
        "indicator": code,
        "name": str(indicator.name),
        "value": result["indicators"][code],
        "rows": rows,
    }
