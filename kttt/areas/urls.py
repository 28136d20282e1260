from django.urls import path

from kttt.areas import views

app_name = "areas"
urlpatterns = [
    path("", views.unit_list, name="unit_list"),
]
