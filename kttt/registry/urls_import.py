"""Routes of the Excel import pages, included by urls.py under the `registry` namespace."""

from django.urls import path

from kttt.registry import views_import

urlpatterns = [
    path("nhap-excel/", views_import.upload, name="import"),
    path("nhap-excel/mau/", views_import.blank_template, name="import_template"),
    path("nhap-excel/xac-nhan/", views_import.confirm, name="import_confirm"),
]
