from django.urls import path

from kttt.plans.views import final, plans, targets

app_name = "plans"

urlpatterns = [
    path("", plans.plan_list, name="plan_list"),
    path("them/", plans.plan_create, name="plan_create"),
    path("<int:pk>/", plans.plan_detail, name="plan_detail"),
    path("<int:pk>/sua/", plans.plan_edit, name="plan_edit"),
    path("<int:pk>/van-ban/", plans.plan_text_edit, name="plan_text_edit"),
    path("<int:pk>/sao-chep/", plans.plan_copy, name="plan_copy"),
    path("<int:pk>/tong-ket/", final.plan_final, name="plan_final"),
    path("<int:pk>/muc-tieu/them/", targets.target_create, name="target_create"),
    path("<int:pk>/muc-tieu/<int:target_pk>/", targets.target_edit, name="target_edit"),
    path("<int:pk>/muc-tieu/<int:target_pk>/xoa/", targets.target_delete, name="target_delete"),
]
