"""Which version of the data the figures are computed from (issue 9: the home page at
national size).

Every committed write of the data the indicators read (the administrative units and the
registry: cooperatives, locations, statuses, yearly rows, OCOP products, grading rules)
adds a row to `Change` in the same transaction. `data_version()` is the token of the
newest row: it changes exactly when such a write becomes visible, so a result kept under
one version is never served after the data it came from changed. See docs/performance.md
("Figures kept between requests").

The app is the lowest of the stack: it imports nothing of ours (but kttt.lib) and tracks
the other apps by their labels, so every app above may call `data_changed()` after a write
that sends no model signal (QuerySet.update, bulk_create, raw SQL).

It also holds what concerns the data as a whole: `backup` (`kttt backup`, `kttt restore`)
and `replica` (reading dashboards from a PostgreSQL read replica).
"""
