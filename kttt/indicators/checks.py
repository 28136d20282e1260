"""Data-quality rules over the registry and yearly data, in the spirit of DHIS2's
validation rules. Each rule is one query, whatever the number of cooperatives; each finding
names the cooperatives behind it (at most LIST_LIMIT codes) so a person can fix them."""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from kttt.areas.models import Succession
from kttt.areas.services import Area, located_in_q
from kttt.lib.dates import add_months
from kttt.registry.models import Entity, OcopProduct, YearlyReport
from kttt.registry.queries import current_locations

LIST_LIMIT = 20
MIN_MEMBERS = 5  # Luật Hợp tác xã 2023, Điều 30
INCOME_JUMP = 0.5
OCOP_WARNING_DAYS = 90


@dataclass(frozen=True)
class Context:
    year: int
    kind: str
    area: Area
    population: QuerySet[Entity]
    reports: QuerySet[YearlyReport]


@dataclass(frozen=True)
class Rule:
    code: str
    severity: str
    run: Callable[[Context], list[str]]
    message: Callable[[int], str]


def _codes(qs: QuerySet[Any], field: str = "code") -> list[str]:
    return list(qs.order_by(field).values_list(field, flat=True).distinct())


def missing_report(ctx: Context) -> list[str]:
    has_row = YearlyReport.objects.filter(entity=OuterRef("pk"), year=ctx.year)
    return _codes(ctx.population.exclude(Exists(has_row)))


def trained_above_total(ctx: Context) -> list[str]:
    return _codes(ctx.reports.filter(workers_trained__gt=F("workers")), "entity__code")


def income_jump(ctx: Context) -> list[str]:
    previous = YearlyReport.objects.filter(
        entity=OuterRef("entity"), year=ctx.year - 1, income_avg__gt=0
    ).filter(
        Q(income_avg__gt=OuterRef("income_avg") / (1 + INCOME_JUMP))
        & Q(income_avg__lt=OuterRef("income_avg") / (1 - INCOME_JUMP))
    )
    has_previous = YearlyReport.objects.filter(
        entity=OuterRef("entity"), year=ctx.year - 1, income_avg__gt=0
    )
    rows = ctx.reports.filter(income_avg__isnull=False).filter(Exists(has_previous))
    return _codes(rows.exclude(Exists(previous)), "entity__code")


def revenue_zero_profit(ctx: Context) -> list[str]:
    return _codes(ctx.reports.filter(revenue=0, profit__gt=0), "entity__code")


def few_members(ctx: Context) -> list[str]:
    return _codes(ctx.reports.filter(members__lt=MIN_MEMBERS), "entity__code")


def ocop_expiring(ctx: Context) -> list[str]:
    on = min(ctx.area.as_of, timezone.localdate())
    horizon = on + dt.timedelta(days=OCOP_WARNING_DAYS)
    candidates = OcopProduct.objects.filter(
        entity__in=ctx.population.values("pk"),
        recognized_on__lte=on,
        recognized_on__gt=on - dt.timedelta(days=37 * 31),
    ).values_list("entity__code", "recognized_on")
    return sorted({code for code, rec in candidates if on < add_months(rec, 36) <= horizon})


def ended_unit_without_successor(ctx: Context) -> list[str]:
    """Entities still located in a unit that had ended by the location date, where no
    succession names that unit: nobody has said where they went."""
    on = ctx.area.location_date
    covered = Succession.objects.filter(old_units=OuterRef("unit"))
    territory = located_in_q(ctx.area)
    if ctx.area.unit is not None:  # an ended unit: also its own old territory
        territory |= (
            Q(unit=ctx.area.unit)
            | Q(unit__district=ctx.area.unit)
            | Q(unit__province=ctx.area.unit)
        )
    stale = current_locations(on).filter(territory, unit__valid_to__lt=on).exclude(Exists(covered))
    return _codes(Entity.objects.filter(Exists(stale.filter(entity=OuterRef("pk"))), kind=ctx.kind))


RULES: tuple[Rule, ...] = (
    Rule(
        "missing_report",
        "warning",
        missing_report,
        lambda n: (
            ngettext(
                "%(n)d HTX đang hoạt động chưa có số liệu năm.",
                "%(n)d HTX đang hoạt động chưa có số liệu năm.",
                n,
            )
            % {"n": n}
        ),
    ),
    Rule(
        "trained_above_total",
        "error",
        trained_above_total,
        lambda n: (
            _("%(n)d HTX có lao động qua đào tạo nhiều hơn lao động thường xuyên.") % {"n": n}
        ),
    ),
    Rule(
        "income_jump",
        "warning",
        income_jump,
        lambda n: (
            _("%(n)d HTX có thu nhập bình quân thay đổi quá ±50%% so với năm trước.") % {"n": n}
        ),
    ),
    Rule(
        "revenue_zero_profit",
        "warning",
        revenue_zero_profit,
        lambda n: _("%(n)d HTX có doanh thu bằng 0 nhưng lợi nhuận dương.") % {"n": n},
    ),
    Rule(
        "few_members",
        "warning",
        few_members,
        lambda n: (
            _("%(n)d HTX có dưới 5 thành viên (mức tối thiểu theo Luật HTX 2023).") % {"n": n}
        ),
    ),
    Rule(
        "ocop_expiring",
        "info",
        ocop_expiring,
        lambda n: _("%(n)d HTX có giấy chứng nhận OCOP hết hạn trong 90 ngày tới.") % {"n": n},
    ),
    Rule(
        "ended_unit_without_successor",
        "error",
        ended_unit_without_successor,
        lambda n: (
            _("%(n)d HTX đặt tại đơn vị hành chính đã chấm dứt mà chưa ghi nhận đơn vị kế thừa.")
            % {"n": n}
        ),
    ),
)
RULE_CODES = tuple(rule.code for rule in RULES)


def run_checks(ctx: Context) -> list[dict[str, Any]]:
    findings = []
    for rule in RULES:
        codes = rule.run(ctx)
        if codes:
            findings.append(
                {
                    "rule": rule.code,
                    "severity": rule.severity,
                    "message": rule.message(len(codes)),
                    "count": len(codes),
                    "entities": codes[:LIST_LIMIT],
                }
            )
    return findings


def sector_sum_check(
    by_sector: dict[str, dict[str, Any]], totals: dict[str, Any]
) -> list[dict[str, Any]]:
    """Sector figures must add up to the totals (they do by construction; a failure here is
    a bug or a coop with no sector, and says so)."""
    findings = []
    for key in ("coops_active", "members", "workers", "capital"):
        parts = sum(v[key] or 0 for v in by_sector.values())
        if totals[key] is not None and abs(parts - totals[key]) > 1e-6:
            findings.append(
                {
                    "rule": "sector_sums",
                    "severity": "error",
                    "message": _("Tổng theo lĩnh vực của “%(what)s” khác tổng chung.")
                    % {"what": key},
                    "count": 1,
                    "entities": [],
                }
            )
    return findings
