from django.urls import path

from kttt.api import figures
from kttt.api.core import api

api.add_router("", figures.router)

urlpatterns = [
    path("v1/", api.urls),
]
