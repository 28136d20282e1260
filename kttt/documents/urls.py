from django.urls import path

from kttt.documents import views

app_name = "documents"

urlpatterns = [
    path("", views.report_list, name="report_list"),
    path("lap/", views.report_create, name="report_create"),
    path("<int:pk>/", views.report_detail, name="report_detail"),
    path("<int:pk>/tai-ve/<str:fmt>/", views.report_download, name="report_download"),
    path("co-quan/", views.issuer_list, name="issuer_list"),
    path("co-quan/them/", views.issuer_create, name="issuer_create"),
    path("co-quan/<int:pk>/", views.issuer_edit, name="issuer_edit"),
]
