from django.urls import path

from kttt.api import figures, registry
from kttt.api.core import api

api.add_router("", figures.router)
api.add_router("", registry.router)

urlpatterns = [
    path("v1/", api.urls),
]
