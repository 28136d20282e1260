"""The plans' pages, one module per subject.

Under `/de-an/` (namespace `plans`): `plans` (the list, a plan's page, entering and copying
a plan) and `targets`. Under `/thuc-hien/` (namespace `execution`): `tasks`, `activities`
(with their evidence files), `budget`, `links` (enterprise links) and `my_work`. Helpers
shared by several of them are in `common`.

Thin on purpose: a form reads the input, an access helper fetches the object (404 for what
the user may not see, 403 for a write it may not do), a service writes, and a refusal comes
back as a form error with status 400.
"""
