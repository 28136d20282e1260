from django.urls import path

from kttt.areas import views

app_name = "areas"
urlpatterns = [
    path("", views.unit_list, name="unit_list"),
    path("successions/", views.succession_list, name="succession_list"),
    path("successions/them/", views.succession_create, name="succession_create"),
    path("successions/<int:pk>/ap-dung/", views.succession_apply, name="succession_apply"),
]
