"""What an "effective cooperatives" figure rests on (issue 8): the grading rules its
graded rows were given under, the grades each rule counts as "hoạt động hiệu quả", and the
denominator (graded or all active cooperatives). A target on such a figure shows it beside
the figure."""

from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from kttt.areas.services import resolve_area
from kttt.indicators.engine import population, reports_of
from kttt.lib.dates import year_end
from kttt.lib.numbers import format_number
from kttt.registry.grading import all_rules, rule_for_year
from kttt.registry.models import Grade

# Indicator -> its denominator (indicator code and what it counts), None for a count.
EFFECTIVE = {
    "coops_effective": None,
    "coops_effective_pct": ("coops_classified", _lazy("HTX được xếp loại")),
    "coops_effective_active_pct": ("coops_active", _lazy("HTX đang hoạt động")),
}


def _setting_grades() -> str:
    wanted = {g.strip() for g in settings.KTTT_EFFECTIVE_GRADES}
    return ", ".join(str(label) for code, label in Grade.choices if code in wanted)


def effective_basis(
    indicator: str, year: int, area_code: str | None, kind: str, values: dict[str, Any]
) -> dict[str, Any] | None:
    """The basis of `indicator` for a year, area and kind (None for another indicator);
    `values` are that year's indicators, for the denominator. The rules are those of the
    year's graded rows (two in a changeover year); with no graded row, the year's rule."""
    if indicator not in EFFECTIVE:
        return None
    area = resolve_area(area_code or settings.KTTT_HOME_AREA, year_end(year))
    graded = reports_of(population(area, kind), year).exclude(grade="")
    used = set(graded.order_by().values_list("grading_rule", flat=True).distinct())
    rules = all_rules()
    chosen = [r for r in rules if r.pk in used]
    if not used and (in_force := rule_for_year(year, rules)) is not None:
        chosen = [in_force]
    items = [{"name": r.name, "effective_grades": r.effective_labels} for r in chosen]
    if None in used:
        items.append(
            {"name": _("cấu hình KTTT_EFFECTIVE_GRADES"), "effective_grades": _setting_grades()}
        )
    basis: dict[str, Any] = {"rules": items, "denominator": None, "denominator_value": None}
    said = ", ".join(f"{i['name']} ({i['effective_grades']})" for i in items)
    text = _("Theo %(rules)s") % {"rules": said} if items else _("Chưa có quy định xếp loại")
    denominator = EFFECTIVE[indicator]
    if denominator is not None:
        code, label = denominator
        basis["denominator"] = str(label)
        basis["denominator_value"] = values.get(code)
        text = _("%(rules)s; mẫu số: %(n)s %(what)s") % {
            "rules": text,
            "n": "–" if values.get(code) is None else format_number(values[code]),
            "what": label,
        }
    basis["text"] = text
    return basis
