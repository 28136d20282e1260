from django.urls import path

from kttt.indicators import views

app_name = "indicators"

# Indicator codes are snake_case, so the fixed pages use hyphens and never shadow a code.
urlpatterns = [
    path("", views.index, name="index"),
    path("kiem-tra/", views.checks, name="checks"),
    path("hien-trang/", views.narrative, name="narrative"),
    path("<slug:code>/", views.indicator_detail, name="detail"),
]
