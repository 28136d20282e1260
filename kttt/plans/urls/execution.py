from django.urls import path
from django.views.generic import RedirectView

from kttt.plans.views import activities, budget, links, my_work, tasks, units

app_name = "execution"

urlpatterns = [
    path("", tasks.task_list, name="task_list"),
    path("nhiem-vu/<int:pk>/", tasks.task_detail, name="task_detail"),
    # The plan's copy moved to /de-an/<pk>/sao-chep/; old links and bookmarks follow.
    path(
        "de-an/<int:pk>/tao-moi/",
        RedirectView.as_view(pattern_name="plans:plan_copy", permanent=True),
        name="plan_copy",
    ),
    path("hoat-dong/them/", activities.activity_create, name="activity_create"),
    path("hoat-dong/<int:pk>/", activities.activity_detail, name="activity_detail"),
    path("hoat-dong/<int:pk>/sua/", activities.activity_edit, name="activity_edit"),
    path("hoat-dong/<int:pk>/minh-chung/", activities.evidence_upload, name="evidence_upload"),
    path(
        "hoat-dong/<int:pk>/minh-chung/<int:evidence_pk>/",
        activities.evidence_download,
        name="evidence_download",
    ),
    path(
        "hoat-dong/<int:pk>/minh-chung/<int:evidence_pk>/xoa/",
        activities.evidence_delete,
        name="evidence_delete",
    ),
    path("kinh-phi/", budget.budget_view, name="budget"),
    path("kinh-phi/<int:plan_pk>/nguon/", budget.budget_source, name="budget_source"),
    path("kinh-phi/<int:plan_pk>/du-toan/", budget.budget_line, name="budget_line"),
    path("kinh-phi/<int:plan_pk>/giai-ngan/", budget.budget_disburse, name="budget_disburse"),
    path("kinh-phi/<int:plan_pk>/chi/<int:pk>/huy/", budget.budget_reverse, name="budget_reverse"),
    path("lien-ket/", links.link_list, name="link_list"),
    path("lien-ket/htx/<str:code>/", links.entity_links, name="entity_links"),
    path("lien-ket/htx/<str:code>/them/", links.link_create, name="link_create"),
    path("lien-ket/htx/<str:code>/<int:pk>/", links.link_edit, name="link_edit"),
    path("lien-ket/htx/<str:code>/<int:pk>/xoa/", links.link_delete, name="link_delete"),
    path(
        "lien-ket/htx/<str:code>/chuoi-gia-tri/",
        links.value_chain_derive,
        name="value_chain_derive",
    ),
    path("viec-cua-toi/", my_work.my_work, name="my_work"),
    path("don-vi/", units.unit_list, name="unit_list"),
    path("don-vi/<int:pk>/ket-thuc/", units.unit_end, name="unit_end"),
    path("don-vi/chuyen-giao/<int:pk>/hoan-tac/", units.transfer_undo, name="transfer_undo"),
]
