from django.urls import path

from kttt.accounts import views

# No app_name: settings.LOGIN_URL and LOGOUT_REDIRECT_URL name the view "login" plainly, and
# Django's own templates and token views name "password_change" and "password_reset_confirm".
urlpatterns = [
    path("dang-nhap/", views.LoginView.as_view(), name="login"),
    path("dang-xuat/", views.LogoutView.as_view(), name="logout"),
    path("tai-khoan/mat-khau/", views.PasswordChangeView.as_view(), name="password_change"),
    path("tai-khoan/khoa-api/", views.api_tokens, name="api_tokens"),
    path("tai-khoan/khoa-api/<int:pk>/thu-hoi/", views.api_token_revoke, name="api_token_revoke"),
    path(
        "tai-khoan/dat-mat-khau/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
]
