from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("", include("kttt.registry.urls")),
    path("", include("kttt.accounts.urls")),
    path("areas/", include("kttt.areas.urls")),
    path("chi-tieu/", include("kttt.indicators.urls")),
    path("de-an/", include("kttt.plans.urls")),
    path("api/", include("kttt.api.urls")),
    path("thuc-hien/", include("kttt.plans.urls_execution")),
    path("admin/", admin.site.urls),
]
