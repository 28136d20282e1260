from django.urls import path

from kttt.plans import views

app_name = "plans"

urlpatterns = [
    path("", views.plan_list, name="plan_list"),
    path("them/", views.plan_create, name="plan_create"),
    path("<int:pk>/", views.plan_detail, name="plan_detail"),
    path("<int:pk>/sua/", views.plan_edit, name="plan_edit"),
    path("<int:pk>/sao-chep/", views.plan_copy, name="plan_copy"),
    path("<int:pk>/muc-tieu/them/", views.target_create, name="target_create"),
    path("<int:pk>/muc-tieu/<int:target_pk>/", views.target_edit, name="target_edit"),
    path("<int:pk>/muc-tieu/<int:target_pk>/xoa/", views.target_delete, name="target_delete"),
]
