from django.urls import path

from kttt.api import figures, plans, registry, reports
from kttt.api.core import api

api.add_router("", figures.router)
api.add_router("", registry.router)
api.add_router("", plans.router)
api.add_router("", reports.router)

urlpatterns = [
    path("v1/", api.urls),
]
