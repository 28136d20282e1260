"""Data-quality rules over the registry and yearly data, in the spirit of DHIS2's
validation rules. Rules over yearly rows are counted inside the engine's one aggregate
query (row_counts); the cooperatives behind a rule (at most LIST_LIMIT codes) are fetched
only when it fires, so a clean year costs almost nothing."""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from kttt.areas.models import Succession
from kttt.areas.services import Area, located_in_q
from kttt.indicators.income import previous_income_of_row
from kttt.lib.dates import add_months, format_date
from kttt.registry.grading import grading_date
from kttt.registry.models import MANAGER_LEVEL_FIELDS, Entity, YearlyReport
from kttt.registry.queries import current_locations

LIST_LIMIT = 20
MIN_MEMBERS = 5  # Luật Hợp tác xã 2023, Điều 30
OCOP_WARNING_DAYS = 90

# Row filters over R; the engine aliases `_previous_income` (the same entity's income the
# year before) onto the rows.
TRAINED_ABOVE = Q(workers_trained__gt=F("workers")) | Q(
    managers__lt=sum((Coalesce(F(f), 0) for f in MANAGER_LEVEL_FIELDS), Value(0))
)
REVENUE_ZERO_PROFIT = Q(revenue=0, profit__gt=0)
FEW_MEMBERS = Q(members__lt=MIN_MEMBERS)
INCOME_JUMP = Q(_previous_income__gt=0, income_avg__isnull=False) & (
    Q(income_avg__gt=F("_previous_income") * Decimal("1.5"))
    | Q(income_avg__lt=F("_previous_income") * Decimal("0.5"))
)


def row_counts() -> dict[str, Count]:
    return {
        "trained_above_total": Count("pk", filter=TRAINED_ABOVE),
        "revenue_zero_profit": Count("pk", filter=REVENUE_ZERO_PROFIT),
        "few_members": Count("pk", filter=FEW_MEMBERS),
        "income_jump": Count("pk", filter=INCOME_JUMP),
    }


@dataclass(frozen=True)
class Context:
    year: int
    kind: str
    area: Area
    population: QuerySet[Entity]
    reports: QuerySet[YearlyReport]
    counts: dict[str, int] = field(default_factory=dict)
    ocop: list[tuple[int, int, dt.date]] = field(default_factory=list)


def _first(qs: QuerySet[Any], code_field: str) -> list[str]:
    return list(qs.order_by(code_field).values_list(code_field, flat=True)[:LIST_LIMIT])


def _rows(key: str, condition: Q) -> Callable[[Context], tuple[int, list[str]]]:
    def run(ctx: Context) -> tuple[int, list[str]]:
        if not ctx.counts.get(key):
            return 0, []
        rows = ctx.reports.alias(_previous_income=previous_income_of_row()).filter(condition)
        # The first ones in index order: the database stops after LIST_LIMIT matches
        # instead of sorting every flagged row by code.
        ids = list(rows.order_by("entity_id").values_list("entity_id", flat=True)[:LIST_LIMIT])
        return ctx.counts[key], _first(Entity.objects.filter(pk__in=ids), "code")

    return run


def missing_report(ctx: Context) -> tuple[int, list[str]]:
    if not ctx.counts.get("missing_report"):
        return 0, []
    has_row = ctx.reports.filter(entity=OuterRef("pk"))
    missing = ctx.population.exclude(Exists(has_row)).order_by("pk")
    ids = list(missing.values_list("pk", flat=True)[:LIST_LIMIT])
    return ctx.counts["missing_report"], _first(Entity.objects.filter(pk__in=ids), "code")


def ocop_expiring(ctx: Context) -> tuple[int, list[str]]:
    on = min(ctx.area.as_of, timezone.localdate())
    horizon = on + dt.timedelta(days=OCOP_WARNING_DAYS)
    ids = {e for e, _p, rec in ctx.ocop if rec <= on and on < add_months(rec, 36) <= horizon}
    if not ids:
        return 0, []
    return len(ids), _first(Entity.objects.filter(pk__in=ids), "code")


def ended_unit_without_successor(ctx: Context) -> tuple[int, list[str]]:
    """Entities still located in a unit that had ended by the location date, where no
    succession names that unit: nobody has said where they went."""
    on = ctx.area.location_date
    covered = Succession.objects.filter(old_units=OuterRef("unit"))
    # The area's territory holds an ended unit's own old territory (`Area.absorbed`).
    stale = (
        current_locations(on)
        .filter(located_in_q(ctx.area), unit__valid_to__lt=on)
        .exclude(Exists(covered))
    )
    codes = list(
        Entity.objects.filter(pk__in=stale.values("entity_id"), kind=ctx.kind)
        .order_by("code")
        .values_list("code", flat=True)
    )
    return len(codes), codes[:LIST_LIMIT]


def _graded_under_ended_rule(ctx: Context) -> QuerySet[YearlyReport]:
    """Graded rows of R whose rule had ended by the year's grading date: no rule in force
    then was recorded (kttt.registry.grading attaches the last one that ended)."""
    return ctx.reports.exclude(grade="").filter(grading_rule__valid_to__lt=grading_date(ctx.year))


def grading_rule_ended(ctx: Context) -> tuple[int, list[str]]:
    rows = _graded_under_ended_rule(ctx)
    ids = list(rows.order_by("entity_id").values_list("entity_id", flat=True)[:LIST_LIMIT])
    if not ids:
        return 0, []
    return rows.count(), _first(Entity.objects.filter(pk__in=ids), "code")


def grading_rule_ended_message(ctx: Context, n: int) -> str:
    by_rule = (
        _graded_under_ended_rule(ctx)
        .order_by("grading_rule__valid_to")
        .values_list("grading_rule__name", "grading_rule__valid_to")
        .annotate(n=Count("pk"))
    )
    return " ".join(
        _(
            "Xếp loại năm %(year)s của %(n)d HTX theo %(rule)s, đã hết hiệu lực từ %(day)s; "
            "chưa ghi nhận quy định thay thế."
        )
        % {
            "year": ctx.year,
            "n": count,
            "rule": name,
            "day": format_date(last_day + dt.timedelta(days=1)),
        }
        for name, last_day, count in by_rule
    )


@dataclass(frozen=True)
class Rule:
    code: str
    severity: str
    run: Callable[[Context], tuple[int, list[str]]]
    message: Callable[[int], str]
    # A message that needs the year or the data (asked only when the rule fires).
    detail: Callable[[Context, int], str] | None = None


RULES: tuple[Rule, ...] = (
    Rule(
        "missing_report",
        "warning",
        missing_report,
        lambda n: _("%(n)d HTX đang hoạt động chưa có số liệu năm.") % {"n": n},
    ),
    Rule(
        "trained_above_total",
        "error",
        _rows("trained_above_total", TRAINED_ABOVE),
        lambda n: (
            _("%(n)d HTX có lao động qua đào tạo nhiều hơn lao động thường xuyên.") % {"n": n}
        ),
    ),
    Rule(
        "income_jump",
        "warning",
        _rows("income_jump", INCOME_JUMP),
        lambda n: (
            _("%(n)d HTX có thu nhập bình quân thay đổi quá ±50%% so với năm trước.") % {"n": n}
        ),
    ),
    Rule(
        "revenue_zero_profit",
        "warning",
        _rows("revenue_zero_profit", REVENUE_ZERO_PROFIT),
        lambda n: _("%(n)d HTX có doanh thu bằng 0 nhưng lợi nhuận dương.") % {"n": n},
    ),
    Rule(
        "few_members",
        "warning",
        _rows("few_members", FEW_MEMBERS),
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
    Rule(
        "grading_rule_ended",
        "warning",
        grading_rule_ended,
        lambda n: (
            _("%(n)d HTX xếp loại theo quy định đã hết hiệu lực vào ngày xếp loại.") % {"n": n}
        ),
        detail=grading_rule_ended_message,
    ),
)
RULE_CODES = tuple(rule.code for rule in RULES)


def run_checks(ctx: Context) -> list[dict[str, Any]]:
    findings = []
    for rule in RULES:
        count, codes = rule.run(ctx)
        if count:
            findings.append(
                {
                    "rule": rule.code,
                    "severity": rule.severity,
                    "message": rule.detail(ctx, count) if rule.detail else rule.message(count),
                    "count": count,
                    "entities": codes,
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
