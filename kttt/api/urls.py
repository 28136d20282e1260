from django.urls import path

from kttt.api import views

app_name = "api"
urlpatterns = [
    path("v1/indicators", views.indicators, name="indicators"),
    path("v1/indicators/series", views.indicator_series, name="indicator_series"),
    path("v1/targets", views.targets, name="targets"),
]
