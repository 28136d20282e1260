from django.urls import path

from kttt.registry import views, views_grading, views_public, views_review
from kttt.registry.urls_import import urlpatterns as import_urls

app_name = "registry"

# Codes are letters, digits and "-" (DOMAIN.md §6), so pages that are not a cooperative use
# paths a code cannot take ("/them-htx/", "/htx.xlsx") and never shadow one.
urlpatterns = [
    # Before "htx/<code>/" so that an import page under "htx/..." is not read as a code.
    *import_urls,
    path("htx/", views.entity_list, name="entity_list"),
    path("gioi-thieu-san-pham/", views_public.products, name="products"),
    path("htx.xlsx", views.entity_export, name="entity_export"),
    path("them-htx/", views.entity_create, name="entity_create"),
    path("xa-theo-ngay/", views.commune_options, name="commune_options"),
    path("quy-dinh-xep-loai/", views_grading.grading_rule_list, name="grading_rule_list"),
    path("quy-dinh-xep-loai/them/", views_grading.grading_rule_create, name="grading_rule_create"),
    path("quy-dinh-xep-loai/<int:pk>/", views_grading.grading_rule_edit, name="grading_rule_edit"),
    path("htx-cua-toi/", views_review.my_cooperative, name="my_cooperative"),
    path("duyet-so-lieu/", views_review.review_list, name="review_list"),
    path("duyet-so-lieu/tinh-hinh/", views_review.reporting_status, name="reporting_status"),
    path("duyet-so-lieu/<str:code>/<int:year>/", views_review.review_detail, name="review_detail"),
    path("htx/<str:code>/", views.entity_detail, name="entity_detail"),
    path("htx/<str:code>/sua/", views.entity_edit, name="entity_edit"),
    path("htx/<str:code>/trang-thai/", views.entity_status, name="entity_status"),
    path("htx/<str:code>/dia-ban/", views.entity_move, name="entity_move"),
    path("htx/<str:code>/so-lieu/them/", views.yearly_create, name="yearly_create"),
    path("htx/<str:code>/so-lieu/<int:year>/", views.yearly_edit, name="yearly_edit"),
    path("htx/<str:code>/so-lieu/<int:year>/xoa/", views.yearly_delete, name="yearly_delete"),
    path(
        "htx/<str:code>/so-lieu/<int:year>/gui/", views_review.yearly_submit, name="yearly_submit"
    ),
    path("htx/<str:code>/ocop/them/", views.ocop_create, name="ocop_create"),
    path("htx/<str:code>/ocop/<int:pk>/", views.ocop_edit, name="ocop_edit"),
    path("htx/<str:code>/ocop/<int:pk>/xoa/", views.ocop_delete, name="ocop_delete"),
]
