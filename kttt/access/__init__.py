"""Every access decision of KTTT, in one package (docs/roles.md, docs/architecture.md).

The convention, for every kind of object:
- one helper per kind, `access_<kind>(request_or_user, key, *, write=...)`, the only way a
  view, an export, the API or a command acting for a user fetches the object;
- an object outside the user's territory answers 404, exactly like a missing one
  (`django.http.Http404`); a change that the user's role may not make answers 403
  (`django.core.exceptions.PermissionDenied`); the API turns both into JSON;
- lists come from `<kinds>_visible_to(...)` querysets built on the same rules.

Each module sits at the layer of what it guards (tests/test_layers.py): `scope` with the
accounts (roles, territories, area selectors), `registry` with the cooperatives, `plans`
with plans, tasks, activities, evidence, budget and enterprise links. This module imports
none of them, so that importing the package pulls in nothing above its caller.
"""
