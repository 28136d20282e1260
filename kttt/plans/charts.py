"""A target's chart (drawn by kttt.lib.charts), shared by the final evaluation page and the
reports: its values year by year from the baseline year, the target, and for a target of
the end of the period the straight path from the baseline to it (the path that
kttt.plans.evaluation judges "đúng tiến độ" against)."""

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext as _

from kttt.indicators.definitions import BY_CODE
from kttt.lib.charts import Chart, target_path
from kttt.plans.evaluation import path_value
from kttt.plans.models import Plan, Schedule, Target


def target_chart(plan: Plan, target: Target, row: Mapping[str, Any]) -> Chart:
    """`row` is the target's row of `final_evaluation(plan)` ("by_year", "baseline")."""
    years = list(range(min(plan.baseline_year, plan.start_year), plan.end_year + 1))
    by_year = {**row["by_year"], plan.baseline_year: row["baseline"]}
    actual = [by_year.get(y) for y in years]
    baseline = row["baseline"]
    path: list[float | None] = [None] * len(years)
    if target.schedule == Schedule.END_OF_PERIOD and baseline is not None:
        path = [
            path_value(float(baseline), target, plan, y) if y >= plan.baseline_year else None
            for y in years
        ]
    indicator = BY_CODE.get(target.indicator)
    return target_path(
        str(row["description"]),
        years,
        actual,
        path,
        target.value,
        str(indicator.unit) if indicator else "",
        actual_name=_("Thực hiện"),
        path_name=_("Lộ trình từ năm gốc đến mục tiêu"),
        target_name=_("Mục tiêu"),
        empty_text=_("Chưa có số liệu"),
    )


def target_charts(plan: Plan, result: Mapping[str, Any]) -> dict[str, Chart]:
    """Every target's chart of a `final_evaluation(plan)` result, by target code."""
    targets = {t.code: t for t in plan.targets.all()}
    return {
        row["code"]: target_chart(plan, targets[row["code"]], row)
        for row in result["targets"]
        if row["code"] in targets
    }
