from csp.decorators import csp_update
from django.urls import URLPattern, path

from kttt.api import figures, plans, registry, reports
from kttt.api.core import api

api.add_router("", figures.router)
api.add_router("", registry.router)
api.add_router("", plans.router)
api.add_router("", reports.router)

# (No module-level `app_name` here: include() would read it as this module's namespace.)
v1 = api.urls
for pattern in v1[0]:
    if isinstance(pattern, URLPattern) and pattern.name == "openapi-view":
        # The Swagger UI page (ninja's files, served locally) runs no inline script, but its
        # stylesheet draws icons and select arrows as data: images: the one exception to the
        # Content-Security-Policy's img-src 'self' (kttt/settings.py).
        pattern.callback = csp_update({"img-src": ["data:"]})(pattern.callback)

urlpatterns = [
    path("v1/", v1),
]
