"""The yearly reporting deadline (DOMAIN.md §7: a cooperative reports the previous year by
15/01): a setting, KTTT_REPORT_DEADLINE, read as day/month of the year after the one
reported."""

import datetime as dt

from django.conf import settings
from django.db.models import Q
from django.utils import timezone


def deadline(year: int) -> dt.date:
    """The last day to report `year`'s figures (15/01 of year + 1 by default)."""
    day, month = (int(part) for part in str(settings.KTTT_REPORT_DEADLINE).split("/"))
    return dt.date(year + 1, month, day)


def deadline_end(year: int) -> dt.datetime:
    """The first moment after the deadline day, local time."""
    next_day = deadline(year) + dt.timedelta(days=1)
    return timezone.make_aware(dt.datetime.combine(next_day, dt.time()))


def on_time_q(year: int) -> Q:
    """Rows (YearlyReport) first submitted or approved on or before the deadline day."""
    return Q(reported_at__lt=deadline_end(year))


def late_q(year: int) -> Q:
    return Q(reported_at__gte=deadline_end(year))
