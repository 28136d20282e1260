"""Excel import and export of the registry template (DOMAIN.md §6).

plan_import(path, scope)      check a workbook; the ImportPlan says what would be written
run_import(path, user=..., scope=..., dry_run=...)   check and write, all or nothing
write_checked(plan, path, ...)  write a plan checked earlier, checking again if its rows changed
export_workbook(entities, out)  write entities in the same template
"""

from django.utils.translation import gettext as _

from kttt.lib.numbers import format_number
from kttt.registry.excel.exporting import export_workbook
from kttt.registry.excel.importing import Counts, ImportPlan, plan_import
from kttt.registry.excel.reading import Problem
from kttt.registry.excel.template import SHEETS
from kttt.registry.excel.writing import Result, apply_plan, run_import, write_checked

__all__ = [
    "Counts",
    "ImportPlan",
    "Problem",
    "Result",
    "apply_plan",
    "export_workbook",
    "plan_import",
    "run_import",
    "summary_lines",
    "write_checked",
]


def summary_lines(counts: dict[str, Counts]) -> list[str]:
    """One line per sheet, in Vietnamese numbers: "HTX: 1.200 tạo mới, 1 cập nhật, 0 không đổi"."""
    return [
        _("%(sheet)s: %(created)s tạo mới, %(updated)s cập nhật, %(unchanged)s không đổi")
        % {
            "sheet": name,
            "created": format_number(counts[name].created),
            "updated": format_number(counts[name].updated),
            "unchanged": format_number(counts[name].unchanged),
        }
        for name in SHEETS
        if name in counts
    ]
