"""The administrator's account pages (docs/roles.md, "Accounts"): the list, a new account,
an account's page (its details, roles, the actions on it and its audit). Administrators
only: 403 for everyone else. Every write goes through kttt.accounts.services."""

import datetime as dt
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.core.paginator import Paginator
from django.db.models import Prefetch, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_http_methods, require_POST

from kttt.access.scope import require, scope_of
from kttt.access.tokens import access_token
from kttt.access.users.forms import AccountCreateForm, AccountForm, RoleForm, UserFilterForm
from kttt.accounts import services
from kttt.accounts.forms import TokenForm
from kttt.accounts.models import AccountAuditEntry, Membership, Role
from kttt.accounts.views import create_from_form, revoke_page, token_rows
from kttt.lib.dates import format_date
from kttt.lib.text import fold
from kttt.web import Guard, conflict_status, saved
from kttt.web.versions import when

AUDIT_LIMIT = 200
CHANGE_LABELS = {
    "username": _lazy("tên đăng nhập"),
    "full_name": _lazy("họ và tên"),
    "email": _lazy("thư điện tử"),
    "role": _lazy("vai trò"),
    "area_code": _lazy("mã địa bàn"),
    "cooperative": _lazy("HTX"),
    "department": _lazy("đơn vị"),
    "emailed_to": _lazy("đã gửi tới"),
    "token": _lazy("khóa API"),
    "name": _lazy("tên gợi nhớ"),
    "expires": _lazy("hết hạn"),
}


def describe_changes(changes: dict[str, Any]) -> str:
    """An audit entry's changes as a person reads them: "vai trò: Cán bộ xã; mã địa bàn:
    03549", "thư điện tử: a@x.vn → b@x.vn". In the labels' order, not the stored one:
    PostgreSQL's jsonb keeps keys in its own order."""
    parts = []
    known = [key for key in CHANGE_LABELS if key in changes]
    for key in known + [key for key in changes if key not in CHANGE_LABELS]:
        value = changes[key]
        if key == "role":
            value = Role(value).label if value in Role.values else value
        if key == "token":
            value = f"{value}…"
        if key == "expires":
            value = _iso_date(value)
        if isinstance(value, list) and len(value) == 2:
            value = f"{value[0] or '—'} → {value[1] or '—'}"
        parts.append(f"{CHANGE_LABELS.get(key, key)}: {value or '—'}")
    return "; ".join(parts)


def _iso_date(value: Any) -> Any:
    """2031-01-31 -> 31/01/2031 (an audit entry keeps dates as ISO text)."""
    try:
        return format_date(dt.date.fromisoformat(value))
    except (TypeError, ValueError):
        return value


def _admin_only(request: HttpRequest) -> None:
    require(scope_of(request).can_manage_accounts())


def _account(request: HttpRequest, pk: int) -> User:
    _admin_only(request)
    return get_object_or_404(User, pk=pk)


def listed_users(form: UserFilterForm) -> QuerySet[User]:
    """The accounts matching the search (every word, ignoring case and diacritics, in the
    user name, full name or e-mail) and the state asked, with their roles prefetched."""
    users = User.objects.all()
    if active := form.value("active"):
        users = users.filter(is_active=active == "1")
    if words := fold(form.value("q")).split():
        # Accounts are few (hundreds): fold their names here, in one query, rather than keep
        # a folded copy in the table.
        rows = users.values_list("pk", "username", "first_name", "last_name", "email")
        users = users.filter(
            pk__in=[
                pk for pk, *texts in rows if all(word in fold(" ".join(texts)) for word in words)
            ]
        )
    roles = Membership.objects.select_related("cooperative").order_by("role", "area_code")
    return users.prefetch_related(Prefetch("memberships", queryset=roles)).order_by(
        "-is_active", "username"
    )


@login_required
def user_list(request: HttpRequest) -> HttpResponse:
    _admin_only(request)
    form = UserFilterForm(request.GET)
    page = Paginator(listed_users(form), settings.KTTT_PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {"form": form, "page": page, "query": query.urlencode()}
    return render(request, "users/user_list.html", context)


@login_required
def user_create(request: HttpRequest) -> HttpResponse:
    _admin_only(request)
    form = AccountCreateForm(request.POST or None)
    created: list[User] = []

    def write() -> None:
        data = form.cleaned_data
        created.append(
            services.create_account(
                username=data["username"],
                grant=form.grant,
                full_name=data["full_name"],
                email=data["email"],
                password=data["password1"] or None,
                actor=request.user,
            )
        )

    if saved(form, write):
        user = created[0]
        messages.success(
            request, _("Đã tạo tài khoản “%(username)s”.") % {"username": user.username}
        )
        if not user.has_usable_password():
            return _reset_link_page(request, user)
        return redirect("users:user_detail", pk=user.pk)
    status = 400 if form.is_bound else 200
    return render(request, "users/user_create.html", {"form": form}, status=status)


def _detail(
    request: HttpRequest,
    user: User,
    *,
    account_form: AccountForm | None = None,
    role_form: RoleForm | None = None,
    token_form: TokenForm | None = None,
) -> HttpResponse:
    memberships = list(
        user.memberships.select_related("cooperative", "implementing_unit").order_by(  # type: ignore[attr-defined]
            "role", "area_code"
        )
    )
    audit = [
        (entry, describe_changes(entry.changes))
        for entry in AccountAuditEntry.objects.filter(user=user).select_related("actor")[
            :AUDIT_LIMIT
        ]
    ]
    if account_form is None:
        guard = account_guard(user)
        account_form = guard.track(AccountForm(initial=guard.initial))
    context: dict[str, Any] = {
        "account": user,
        "memberships": memberships,
        "audit": audit,
        "account_form": account_form,
        "role_form": role_form or RoleForm(),
        "token_rows": token_rows(user),
        "token_form": token_form or TokenForm(),
        "is_self": user.pk == request.user.pk,
        "email_configured": services.email_configured(),
    }
    bound = [form for form in (account_form, role_form, token_form) if form and form.is_bound]
    status = conflict_status(bound[0]) if bound else 200
    return render(request, "users/user_detail.html", context, status=status)


def account_guard(user: User) -> Guard:
    """The version check of an account's name and e-mail; who changed them and when comes
    from the account's audit trail."""

    def initial_of(u: User) -> dict[str, Any]:
        return {"full_name": u.first_name, "email": u.email}

    def describe(u: User) -> str:
        entry = (
            AccountAuditEntry.objects.filter(user=u, action=AccountAuditEntry.Action.UPDATE)
            .select_related("actor")
            .first()
        )
        if entry is None:
            return ""
        who = (entry.actor.get_full_name() or entry.actor.get_username()) if entry.actor else ""
        what = describe_changes(entry.changes)
        return _("Tài khoản này đã được %(who)s sửa lúc %(at)s sau khi bạn đọc (%(what)s).") % {
            "who": who or _("người khác"),
            "at": when(entry.at),
            "what": what,
        }

    return Guard(user, initial_of, describe)


@login_required
def user_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The account's page; a POST saves its full name and e-mail."""
    user = _account(request, pk)
    if request.method != "POST":
        return _detail(request, user)
    guard = account_guard(user)
    form = guard.track(AccountForm(request.POST))

    def write() -> None:
        services.update_account(
            user=user,
            full_name=form.cleaned_data["full_name"],
            email=form.cleaned_data["email"],
            actor=request.user,
        )

    if saved(form, write, guard=guard):
        messages.success(request, _("Đã lưu thông tin tài khoản."))
        return redirect("users:user_detail", pk=user.pk)
    return _detail(request, user, account_form=form)


@login_required
@require_POST
def role_add(request: HttpRequest, pk: int) -> HttpResponse:
    user = _account(request, pk)
    form = RoleForm(request.POST)
    if saved(form, lambda: services.add_role(user=user, grant=form.grant, actor=request.user)):
        messages.success(request, _("Đã thêm vai trò."))
        return redirect("users:user_detail", pk=user.pk)
    return _detail(request, user, role_form=form)


@login_required
@require_POST
def role_remove(request: HttpRequest, pk: int, membership: int) -> HttpResponse:
    user = _account(request, pk)
    role = get_object_or_404(Membership, pk=membership, user=user)
    try:
        services.remove_role(membership=role, actor=request.user)
    except services.AccountError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Đã bỏ vai trò."))
    return redirect("users:user_detail", pk=user.pk)


@login_required
@require_POST
def user_active(request: HttpRequest, pk: int) -> HttpResponse:
    """Deactivate an active account, reactivate a deactivated one (never delete)."""
    user = _account(request, pk)
    try:
        services.set_active(user=user, active=not user.is_active, actor=request.user)
    except services.AccountError as error:
        messages.error(request, str(error))
    else:
        done = _("Đã mở lại tài khoản.") if user.is_active else _("Đã khóa tài khoản.")
        messages.success(request, done)
    return redirect("users:user_detail", pk=user.pk)


@login_required
@require_POST
def user_reset(request: HttpRequest, pk: int) -> HttpResponse:
    user = _account(request, pk)
    try:
        return _reset_link_page(request, user)
    except services.AccountError as error:
        messages.error(request, str(error))
        return redirect("users:user_detail", pk=user.pk)


@login_required
@require_POST
def token_create(request: HttpRequest, pk: int) -> HttpResponse:
    """An API token made by the administrator for the account; its key is shown to the
    administrator once, to hand over."""
    user = _account(request, pk)
    form = TokenForm(request.POST)
    return create_from_form(request, form, user) or _detail(request, user, token_form=form)


@login_required
@require_http_methods(["GET", "POST"])
def token_revoke(request: HttpRequest, pk: int, token: int) -> HttpResponse:
    user = _account(request, pk)
    api_token = access_token(request, token, account=user)
    action = reverse("users:token_revoke", args=[user.pk, api_token.pk])
    back = reverse("users:user_detail", args=[user.pk])
    return revoke_page(request, api_token, action=action, back=back)


def _reset_link_page(request: HttpRequest, user: User) -> HttpResponse:
    """The one-time link, shown this once (never stored, not cached by the browser)."""
    link = services.reset_link(
        user=user, actor=request.user, base_url=request.build_absolute_uri("/")
    )
    hours = settings.PASSWORD_RESET_TIMEOUT // 3600
    context = {
        "account": user,
        "link": request.build_absolute_uri(link.path),
        "emailed_to": link.emailed_to,
        "hours": hours,
    }
    response = render(request, "users/reset_link.html", context)
    add_never_cache_headers(response)
    return response
