from django.urls import path

from kttt.accounts import views

# No app_name: settings.LOGIN_URL and LOGOUT_REDIRECT_URL name the view "login" plainly.
urlpatterns = [
    path("dang-nhap/", views.LoginView.as_view(), name="login"),
    path("dang-xuat/", views.LogoutView.as_view(), name="logout"),
]
