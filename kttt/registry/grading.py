"""Grades under the rule in force (DOMAIN.md §2; issue 8): which grading rule a yearly
row's grade was given under, and the administrator's write of a rule.

A grade is given on the year's grading date, 15/12 (the self-scoring deadline, DOMAIN.md
§7). Its rule is the one in force on that date; when no recorded rule is in force then
(the rule was repealed and no successor is recorded yet), the last rule that ended before
it, which the data checks then flag. A row without a grade has no rule. Every writer of
yearly rows calls `rule_for_year` (one row) or `attach_years` (many rows), so the stored
rule always follows the recorded rules.
"""

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import transaction
from django.utils.translation import gettext as _

from kttt.changes.services import data_changed
from kttt.lib.dates import format_date
from kttt.lib.errors import Refusal
from kttt.registry.models import Grade, GradingRule, YearlyReport

RULE_FIELDS = ("name", "valid_from", "valid_to", "labels", "effective", "note")


class GradingRuleError(Refusal):
    """A grading rule refused; the message is Vietnamese."""


def grading_date(year: int) -> dt.date:
    """The day a year's grades are given: the self-scoring deadline, 15/12."""
    return dt.date(year, 12, 15)


def in_force(rule: GradingRule, day: dt.date) -> bool:
    return rule.valid_from <= day and (rule.valid_to is None or day <= rule.valid_to)


def rule_on(day: dt.date, rules: Sequence[GradingRule]) -> GradingRule | None:
    """The rule in force on `day`, else the last one that ended before it, else None."""
    for rule in rules:
        if in_force(rule, day):
            return rule
    ended = [r for r in rules if r.valid_to is not None and r.valid_to < day]
    return max(ended, key=lambda r: r.valid_to or day, default=None)


def all_rules() -> list[GradingRule]:
    return list(GradingRule.objects.order_by("valid_from", "pk"))


def rule_for_year(year: int, rules: Sequence[GradingRule] | None = None) -> GradingRule | None:
    """The rule a grade of `year` is given under."""
    return rule_on(grading_date(year), all_rules() if rules is None else rules)


def attach_years(years: Iterable[int] | None = None) -> int:
    """Give every graded row of these years (None: of every year) the year's rule and take
    it from rows without a grade. Returns how many graded rows changed rule."""
    rules = all_rules()
    data_changed()  # QuerySet.update sends no model signal (kttt.changes)
    if years is None:
        years = YearlyReport.objects.exclude(grade="").values_list("year", flat=True).distinct()
    changed = 0
    for year in sorted(set(years)):
        rule = rule_for_year(year, rules)
        graded = YearlyReport.objects.filter(year=year).exclude(grade="")
        changed += graded.exclude(grading_rule=rule).update(grading_rule=rule)
        YearlyReport.objects.filter(year=year, grade="", grading_rule__isnull=False).update(
            grading_rule=None
        )
    return changed


def _period(rule: GradingRule | Mapping[str, Any]) -> str:
    get = rule.get if isinstance(rule, Mapping) else lambda f: getattr(rule, f)
    start, end = get("valid_from"), get("valid_to")
    if end is None:
        return _("từ %(start)s") % {"start": format_date(start)}
    return _("%(start)s – %(end)s") % {"start": format_date(start), "end": format_date(end)}


def refusals(values: Mapping[str, Any], rule: GradingRule | None = None) -> list[str]:
    """Why these values cannot be recorded (as a new rule, or as `rule` changed)."""
    problems = []
    start, end = values["valid_from"], values.get("valid_to")
    if end is not None and end < start:
        problems.append(
            _("Ngày cuối cùng còn hiệu lực (%(end)s) phải từ ngày có hiệu lực (%(start)s) trở đi.")
            % {"end": format_date(end), "start": format_date(start)}
        )
    others = GradingRule.objects.order_by("valid_from")
    if rule is not None:
        others = others.exclude(pk=rule.pk)
    for other in others:
        overlaps = (end is None or other.valid_from <= end) and (
            other.valid_to is None or start <= other.valid_to
        )
        if overlaps:
            problems.append(
                _("Thời gian hiệu lực trùng với %(name)s (%(period)s).")
                % {"name": other.name, "period": _period(other)}
            )
    effective = list(values.get("effective") or [])
    if not effective:
        problems.append(_("Chọn ít nhất một mức xếp loại được tính là hoạt động hiệu quả."))
    elif set(effective) - set(Grade.values):
        problems.append(_("Mức xếp loại không hợp lệ."))
    labels = values.get("labels") or {}
    if any(not str(labels.get(code) or "").strip() for code in Grade.values):
        problems.append(_("Nhập tên của cả bốn mức xếp loại."))
    return problems


@transaction.atomic
def save_grading_rule(
    *,
    values: Mapping[str, Any],
    rule: GradingRule | None = None,
    user: AbstractBaseUser | AnonymousUser | None = None,
) -> tuple[GradingRule, int]:
    """Record a new rule, or change `rule`; the graded rows whose year's grading date now
    falls under another rule are re-attached. Returns the rule and how many rows moved."""
    values = {f: values[f] for f in RULE_FIELDS if f in values}
    values["effective"] = [g for g in Grade.values if g in (values.get("effective") or [])]
    values["labels"] = {
        code: str((values.get("labels") or {}).get(code) or "").strip() for code in Grade.values
    }
    problems = refusals(values, rule)
    if problems:
        raise GradingRuleError(" ".join(problems))
    values["updated_by_id"] = getattr(user, "pk", None)
    if rule is None:
        rule = GradingRule.objects.create(**values)
    else:
        for field, value in values.items():
            setattr(rule, field, value)
        rule.save(update_fields=[*values, "updated_at"])
    return rule, attach_years()
