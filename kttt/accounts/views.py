"""Log-in and log-out with Django's own views (django-axes throttles the log-in form); a
user's own password change and the one-time link that sets a new password; a user's own API
tokens ("Khóa API của tôi")."""

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth import forms as auth_forms
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from kttt.access.tokens import access_token, tokens_of
from kttt.accounts import services, tokens
from kttt.accounts.forms import TokenForm
from kttt.accounts.models import ApiToken
from kttt.web import saved


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


def token_rows(user: Any) -> list[tuple[ApiToken, str, str]]:
    """A user's tokens with their state ("active", "expired", "revoked") and its label, for
    the lists (never the key: only its hash is kept)."""
    now = timezone.now()
    return [
        (token, tokens.state(token, now), tokens.state_label(token)) for token in tokens_of(user)
    ]


def created_token_page(
    request: HttpRequest, *, token: ApiToken, key: str, back: str
) -> HttpResponse:
    """The new key, shown in this one response and never again: it is not kept anywhere
    (the database keeps its hash), and the browser is told not to cache the page."""
    context = {"token": token, "key": key, "account": token.user, "back": back}
    response = render(request, "accounts/token_created.html", context)
    add_never_cache_headers(response)
    return response


def create_from_form(request: HttpRequest, form: TokenForm, user: Any) -> HttpResponse | None:
    """Make a token for `user` from the submitted form and show its key once; None when the
    form or the service refused (the form then carries the Vietnamese message)."""
    made: list[tuple[ApiToken, str]] = []

    def write() -> None:
        made.append(
            tokens.create_token(
                user=user,
                name=form.cleaned_data["name"],
                days=form.cleaned_data["days"],
                actor=request.user,
            )
        )

    if not saved(form, write):
        return None
    token, key = made[0]
    back = (
        reverse("api_tokens")
        if user.pk == request.user.pk
        else reverse("users:user_detail", args=[user.pk])
    )
    return created_token_page(request, token=token, key=key, back=back)


def revoke_page(request: HttpRequest, token: ApiToken, *, action: str, back: str) -> HttpResponse:
    """GET: what revoking does, with the button; POST: revoke, then back to the list."""
    if request.method == "POST":
        try:
            tokens.revoke_token(token=token, actor=request.user)
        except services.AccountError as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request, _("Đã thu hồi khóa API %(prefix)s….") % {"prefix": token.prefix}
            )
        return redirect(back)
    context = {
        "token": token,
        "state": tokens.state(token),
        "action": action,
        "back": back,
        "own": token.user_id == request.user.pk,
    }
    return render(request, "accounts/token_revoke.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def api_tokens(request: HttpRequest) -> HttpResponse:
    """Every logged-in user's own tokens; a POST makes one, whose key is shown once."""
    form = TokenForm(request.POST) if request.method == "POST" else TokenForm()
    if form.is_bound and (shown := create_from_form(request, form, request.user)):
        return shown
    context = {"rows": token_rows(request.user), "form": form}
    return render(
        request, "accounts/api_tokens.html", context, status=400 if form.is_bound else 200
    )


@login_required
@require_http_methods(["GET", "POST"])
def api_token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    """One's own token only: anyone else's answers 404, an administrator's included (the
    administrator revokes another account's tokens from that account's page)."""
    token = access_token(request, pk)
    action = reverse("api_token_revoke", args=[pk])
    return revoke_page(request, token, action=action, back=reverse("api_tokens"))
