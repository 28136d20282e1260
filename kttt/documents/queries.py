"""Look-ups shared by the report command and the Reports page."""

from kttt.plans.queries import plan_for_year

__all__ = ["plan_for_year"]
