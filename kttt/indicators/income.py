"""Income queries shared by the engine (growth) and the data checks (±50 % jumps), so that
neither imports the other."""

from django.db.models import OuterRef, Subquery

from kttt.registry.models import YearlyReport


def previous_income_of_row() -> Subquery:
    """The same entity's income in the year before the row's (for the ±50 % check)."""
    previous = YearlyReport.objects.filter(entity=OuterRef("entity"), year=OuterRef("year") - 1)
    # order_by(): the model's default ordering would join the entity to sort by name.
    return Subquery(previous.order_by().values("income_avg")[:1])
