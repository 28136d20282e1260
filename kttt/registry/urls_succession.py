"""The successions' pages, under /areas/ and in the `areas` URL namespace with the unit
list (kttt/urls.py joins the two)."""

from django.urls import path

from kttt.registry import views_succession as views

urlpatterns = [
    path("successions/", views.succession_list, name="succession_list"),
    path("successions/them/", views.succession_create, name="succession_create"),
    path("successions/<int:pk>/ap-dung/", views.succession_apply, name="succession_apply"),
]
