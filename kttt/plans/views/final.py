"""A plan's final evaluation (tổng kết giai đoạn, kttt.plans.final) on a page: for those who
read the plan's area figures (the others may open the plan but not its results: 403)."""

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from kttt.access.plans import access_plan, reads_plan_in_full
from kttt.access.scope import require, today
from kttt.plans.charts import target_charts
from kttt.plans.final import final_evaluation

VERDICT_CLASS = {"achieved": "ok", "not_achieved": "bad", "no_data": ""}


@login_required
def plan_final(request: HttpRequest, pk: int) -> HttpResponse:
    plan = access_plan(request, pk)
    require(reads_plan_in_full(request, plan))
    result = final_evaluation(plan)
    years = list(range(plan.start_year, plan.end_year + 1))
    charts = target_charts(plan, result)
    rows: list[dict[str, Any]] = [
        {
            **row,
            "verdict_class": VERDICT_CLASS.get(row["verdict_code"], ""),
            "series": [(str(y), row["by_year"][y]) for y in years],
            "chart": charts.get(row["code"]),
        }
        for row in result["targets"]
    ]
    context = {
        "plan": plan,
        "result": result,
        "rows": rows,
        "years": [str(y) for y in years],
        "provisional": today().year <= plan.end_year,
    }
    return render(request, "plans/final.html", context)
