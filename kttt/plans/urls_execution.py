from django.urls import path

from kttt.plans import views_execution as views

app_name = "execution"

urlpatterns = [
    path("", views.task_list, name="task_list"),
    path("nhiem-vu/<int:pk>/", views.task_detail, name="task_detail"),
    path("de-an/<int:plan_pk>/tao-moi/", views.plan_copy, name="plan_copy"),
    path("hoat-dong/them/", views.activity_create, name="activity_create"),
    path("hoat-dong/<int:pk>/", views.activity_detail, name="activity_detail"),
    path("hoat-dong/<int:pk>/sua/", views.activity_edit, name="activity_edit"),
    path("hoat-dong/<int:pk>/minh-chung/", views.evidence_upload, name="evidence_upload"),
    path(
        "hoat-dong/<int:pk>/minh-chung/<int:evidence_pk>/",
        views.evidence_download,
        name="evidence_download",
    ),
    path(
        "hoat-dong/<int:pk>/minh-chung/<int:evidence_pk>/xoa/",
        views.evidence_delete,
        name="evidence_delete",
    ),
    path("kinh-phi/", views.budget_view, name="budget"),
    path("kinh-phi/<int:plan_pk>/nguon/", views.budget_source, name="budget_source"),
    path("kinh-phi/<int:plan_pk>/du-toan/", views.budget_line, name="budget_line"),
    path("kinh-phi/<int:plan_pk>/giai-ngan/", views.budget_disburse, name="budget_disburse"),
    path("lien-ket/", views.link_list, name="link_list"),
    path("lien-ket/htx/<str:code>/", views.entity_links, name="entity_links"),
    path("lien-ket/htx/<str:code>/them/", views.link_create, name="link_create"),
    path("lien-ket/htx/<str:code>/<int:pk>/", views.link_edit, name="link_edit"),
    path("lien-ket/htx/<str:code>/<int:pk>/xoa/", views.link_delete, name="link_delete"),
    path(
        "lien-ket/htx/<str:code>/chuoi-gia-tri/",
        views.value_chain_derive,
        name="value_chain_derive",
    ),
    path("viec-cua-toi/", views.my_work, name="my_work"),
]
