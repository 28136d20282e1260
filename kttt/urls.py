from django.contrib import admin
from django.urls import include, path

from kttt.areas.urls import urlpatterns as unit_urls
from kttt.registry.urls_succession import urlpatterns as succession_urls

# One `areas` namespace for the unit list (areas app) and the successions' pages, which the
# registry owns because applying a succession moves cooperatives (docs/architecture.md).
areas_urls = ([*unit_urls, *succession_urls], "areas")

# A database that is missing or down answers 503 in Vietnamese (or the API's JSON), any other
# error the plain 500 page (kttt/web/faults.py).
handler500 = "kttt.web.faults.server_error"

urlpatterns = [
    path("", include("kttt.overview.urls")),
    path("", include("kttt.registry.urls")),
    path("", include("kttt.accounts.urls")),
    path("tai-khoan/", include("kttt.access.users.urls")),
    path("areas/", include(areas_urls)),
    path("chi-tieu/", include("kttt.indicators.urls")),
    path("de-an/", include("kttt.plans.urls.plans")),
    path("api/", include("kttt.api.urls")),
    path("thuc-hien/", include("kttt.plans.urls.execution")),
    path("bao-cao/", include("kttt.documents.urls")),
    path("admin/", admin.site.urls),
]
