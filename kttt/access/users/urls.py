from django.urls import path

from kttt.access.users import views

app_name = "users"

# Under /tai-khoan/, beside the password pages of kttt.accounts (/tai-khoan/mat-khau/ ...):
# an account is addressed by its number, which no word of those paths can be.
urlpatterns = [
    path("", views.user_list, name="user_list"),
    path("them/", views.user_create, name="user_create"),
    path("<int:pk>/", views.user_detail, name="user_detail"),
    path("<int:pk>/vai-tro/", views.role_add, name="role_add"),
    path("<int:pk>/vai-tro/<int:membership>/bo/", views.role_remove, name="role_remove"),
    path("<int:pk>/khoa-mo/", views.user_active, name="user_active"),
    path("<int:pk>/duong-dan-mat-khau/", views.user_reset, name="user_reset"),
    path("<int:pk>/khoa-api/", views.token_create, name="token_create"),
    path("<int:pk>/khoa-api/<int:token>/thu-hoi/", views.token_revoke, name="token_revoke"),
]
