from django.db import models


class Change(models.Model):
    """One write of the data the figures are computed from. Rows are only ever added (an
    INSERT takes no lock another writer waits for, unlike an UPDATE of one counter row), and
    old ones are pruned; the token, random, never recurs after a rolled-back write.

    `year`: the write touched only the yearly figures of that year (a yearly row saved or
    deleted), which only the figures of that year and of the next (its income growth) read;
    empty: anything else (a cooperative, a location, a status, an OCOP product, a unit, a
    grading rule, an import), which every year reads."""

    token = models.CharField(max_length=32)
    year = models.PositiveSmallIntegerField(null=True, blank=True, db_index=True)
    at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.token
