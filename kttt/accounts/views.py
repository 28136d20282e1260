"""Log-in and log-out with Django's own views (django-axes throttles the log-in form); a
user's own password change and the one-time link that sets a new password."""

from django import forms
from django.contrib import messages
from django.contrib.auth import forms as auth_forms
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.db import transaction
from django.http import HttpResponse
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from kttt.accounts import services


class LoginForm(AuthenticationForm):
    """Django's form with our Vietnamese wording, whatever language the browser asks for."""

    error_messages = {
        "invalid_login": _(
            "Tên đăng nhập hoặc mật khẩu không đúng. Lưu ý: mật khẩu phân biệt chữ hoa, chữ thường."
        ),
        "inactive": _("Tài khoản này đã bị khóa."),
    }

    def __init__(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.fields["username"].label = _("Tên đăng nhập")
        self.fields["password"].label = _("Mật khẩu")
        for field in self.fields.values():
            field.error_messages["required"] = _("Chưa nhập trường này.")
        self.fields["username"].widget = forms.TextInput(
            attrs={"autofocus": True, "autocomplete": "username", "autocapitalize": "none"}
        )


class LoginView(auth_views.LoginView):
    form_class = LoginForm
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    """POST only (Django 5): a link cannot log anyone out."""


def _vietnamese_required(form: forms.Form) -> None:
    for field in form.fields.values():
        field.error_messages["required"] = _("Chưa nhập trường này.")


class PasswordChangeForm(auth_forms.PasswordChangeForm):
    def __init__(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        _vietnamese_required(self)


class SetPasswordForm(auth_forms.SetPasswordForm):
    def __init__(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        _vietnamese_required(self)


class PasswordChangeView(auth_views.PasswordChangeView):
    """Every logged-in user changes their own password (the old one asked first); the
    session stays open, the change is audited."""

    form_class = PasswordChangeForm
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("registry:entity_list")

    def form_valid(self, form: auth_forms.PasswordChangeForm) -> HttpResponse:
        with transaction.atomic():
            response = super().form_valid(form)
            services.record_password_change(user=form.user)
        messages.success(self.request, _("Đã đổi mật khẩu."))
        return response


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """The one-time link an administrator issued (kttt.accounts.services.reset_link): sets a
    new password, then the user logs in with it. A used or expired link says so."""

    form_class = SetPasswordForm
    template_name = "accounts/password_set.html"
    success_url = reverse_lazy("login")

    def form_valid(self, form: auth_forms.SetPasswordForm) -> HttpResponse:
        with transaction.atomic():
            response = super().form_valid(form)
            services.record_password_set(user=form.user)
        messages.success(self.request, _("Đã đặt mật khẩu mới. Hãy đăng nhập bằng mật khẩu này."))
        return response
