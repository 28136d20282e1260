"""The plan's own text as the reports read it (issue 8, point 3): its legal bases, its
approving decision, and its sections I (purpose and requirements), II.3 (the assessment of
the cooperatives' work) and III.1 (the general objective).

The text is stored plain: a legal basis per line, paragraphs separated by a blank line.
"""

import re
from typing import Any

from kttt.plans.models import Plan

_BLANK_LINE = re.compile(r"\n\s*\n")


def lines(text: str) -> list[str]:
    """The non-blank lines, stripped."""
    return [line.strip() for line in text.splitlines() if line.strip()]


def paragraphs(text: str) -> list[str]:
    """Paragraphs separated by one or more blank lines; the lines of a paragraph keep their
    breaks ("- " items written one per line stay one per line)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    found = []
    for block in _BLANK_LINE.split(text):
        kept = "\n".join(line.strip() for line in block.split("\n") if line.strip())
        if kept:
            found.append(kept)
    return found


def plan_text(plan: Plan) -> dict[str, Any]:
    """legal_bases (list of str), decision ("Quyết định số … ngày … của …", "" when
    unknown), purpose, assessment, general_objective (lists of paragraphs)."""
    return {
        "legal_bases": lines(plan.legal_bases),
        "decision": plan.decision_label,
        "purpose": paragraphs(plan.purpose),
        "assessment": paragraphs(plan.assessment),
        "general_objective": paragraphs(plan.general_objective),
    }
