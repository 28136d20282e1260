"""Every write to an account: one function, one transaction, one audit entry
(`AccountAuditEntry`). The administrator's pages (kttt.access.users), the password pages and
`kttt createuser` call them. An account is deactivated, never deleted.

What a role grants is checked before it gets here (`kttt.access.users.grants`, which knows
cooperatives and implementing units); these functions take the checked `Grant`."""

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.models import AbstractBaseUser
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from kttt.accounts.models import AccountAuditEntry, Membership, Role
from kttt.lib.errors import Refusal

Action = AccountAuditEntry.Action


class AccountError(Refusal):
    """A change to an account refused, with a Vietnamese message."""


@dataclass(frozen=True)
class Grant:
    """A role with its scope, already checked: an area code read today (empty for admin and
    cooperative), the cooperative of a representative, the implementing unit whose plan work
    the role writes (with its name kept as the department's text)."""

    role: str
    area_code: str = ""
    cooperative: Any = None  # registry.Entity (named, not imported: a layer above)
    implementing_unit: Any = None  # plans.ImplementingUnit
    department: str = ""

    def describe(self) -> dict[str, str]:
        """What the audit records of the role, in plain values."""
        described = {"role": self.role}
        if self.area_code:
            described["area_code"] = self.area_code
        if self.cooperative is not None:
            described["cooperative"] = self.cooperative.code
        if self.department:
            described["department"] = self.department
        return described


def describe_membership(m: Membership) -> dict[str, str]:
    return Grant(
        role=m.role,
        area_code=m.area_code,
        cooperative=m.cooperative,
        department=m.department,
    ).describe()


def audit(user: Any, action: str, changes: dict[str, Any], actor: Any, source: str) -> None:
    AccountAuditEntry.objects.create(
        user=user,
        action=action,
        changes=changes,
        actor=actor if getattr(actor, "pk", None) else None,
        source=source,
    )


def check_password(password: str, user: Any) -> None:
    """Django's validators (settings.AUTH_PASSWORD_VALIDATORS), their messages in
    Vietnamese; refused as one AccountError."""
    try:
        password_validation.validate_password(password, user)
    except ValidationError as error:
        raise AccountError(
            _("Mật khẩu chưa đạt: %(reasons)s") % {"reasons": " ".join(error.messages)}
        ) from None


def _sync_superuser(user: Any) -> None:
    """An `admin` role makes the account a Django superuser (a superuser counts as admin in
    kttt.access.scope), and losing the last one ends it, so the two never disagree."""
    is_admin = user.memberships.filter(role=Role.ADMIN).exists()
    if user.is_superuser != is_admin or user.is_staff != is_admin:
        user.is_staff = user.is_superuser = is_admin
        user.save(update_fields=["is_staff", "is_superuser"])


@transaction.atomic
def create_account(
    *,
    username: str,
    grant: Grant,
    full_name: str = "",
    email: str = "",
    password: str | None = None,
    actor: Any = None,
    source: str = "web",
) -> Any:
    """A new account with its first role. Without a password the account has none usable
    until its holder sets one through a one-time link (`reset_link`)."""
    User = get_user_model()
    username = username.strip()
    if not username:
        raise AccountError(_("Tên đăng nhập không được để trống."))
    if User.objects.filter(username__iexact=username).exists():
        raise AccountError(
            _("Tên đăng nhập “%(username)s” đã có người dùng.") % {"username": username}
        )
    user = User(username=username, email=email.strip(), first_name=full_name.strip())
    if password is not None:
        check_password(password, user)
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.save()
    audit(
        user,
        Action.CREATE,
        {"username": username, "full_name": user.first_name, "email": user.email},
        actor,
        source,
    )
    add_role(user=user, grant=grant, actor=actor, source=source)
    return user


@transaction.atomic
def update_account(
    *, user: Any, full_name: str, email: str, actor: Any = None, source: str = "web"
) -> None:
    before = {"full_name": user.first_name, "email": user.email}
    after = {"full_name": full_name.strip(), "email": email.strip()}
    changes = {k: [before[k], after[k]] for k in before if before[k] != after[k]}
    if not changes:
        return
    user.first_name, user.email = after["full_name"], after["email"]
    user.save(update_fields=["first_name", "email"])
    audit(user, Action.UPDATE, changes, actor, source)


@transaction.atomic
def set_password(*, user: Any, password: str, actor: Any = None, source: str = "web") -> None:
    """A new password set for someone (`kttt createuser --password`), validated; the audit
    says who set it, never the password."""
    check_password(password, user)
    user.set_password(password)
    user.save(update_fields=["password"])
    audit(user, Action.PASSWORD_SET, {}, actor, source)


@transaction.atomic
def add_role(*, user: Any, grant: Grant, actor: Any = None, source: str = "web") -> Membership:
    if Membership.objects.filter(
        user=user, role=grant.role, area_code=grant.area_code, cooperative=grant.cooperative
    ).exists():
        raise AccountError(_("Tài khoản đã có vai trò này trên phạm vi này."))
    membership = Membership.objects.create(
        user=user,
        role=grant.role,
        area_code=grant.area_code,
        cooperative=grant.cooperative,
        department=grant.department,
        implementing_unit=grant.implementing_unit,
    )
    _sync_superuser(user)
    audit(user, Action.ROLE_ADD, grant.describe(), actor, source)
    return membership


@transaction.atomic
def remove_role(*, membership: Membership, actor: Any = None, source: str = "web") -> None:
    user = membership.user
    if membership.role == Role.ADMIN and actor is not None and actor.pk == user.pk:
        raise AccountError(
            _("Không thể tự bỏ vai trò quản trị của chính mình: nhờ một quản trị viên khác.")
        )
    described = describe_membership(membership)
    membership.delete()
    _sync_superuser(user)
    audit(user, Action.ROLE_REMOVE, described, actor, source)


@transaction.atomic
def set_active(*, user: Any, active: bool, actor: Any = None, source: str = "web") -> None:
    """Deactivate (the account can no longer log in; a session open elsewhere ends at its
    next request) or reactivate. An administrator cannot deactivate themself."""
    if not active and actor is not None and actor.pk == user.pk:
        raise AccountError(_("Không thể tự khóa tài khoản của chính mình."))
    if user.is_active == active:
        return
    user.is_active = active
    user.save(update_fields=["is_active"])
    audit(user, Action.REACTIVATE if active else Action.DEACTIVATE, {}, actor, source)


def email_configured() -> bool:
    return bool(getattr(settings, "EMAIL_HOST", ""))


@dataclass(frozen=True)
class ResetLink:
    path: str  # the link's path, to be made absolute by the page that shows it
    emailed_to: str  # the address it was sent to, empty when not sent


@transaction.atomic
def reset_link(*, user: Any, actor: Any, base_url: str, source: str = "web") -> ResetLink:
    """A one-time link to set a new password (Django's token: it stops working once the
    password changes or the user logs in, and after settings.PASSWORD_RESET_TIMEOUT). It
    is returned to be shown once, and e-mailed to the account's address when an outgoing
    mail server is configured (EMAIL_HOST). Refused for a deactivated account."""
    from django.urls import reverse

    if not user.is_active:
        raise AccountError(_("Tài khoản đang bị khóa: mở lại tài khoản trước khi cấp đường dẫn."))
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    path = reverse("password_reset_confirm", kwargs={"uidb64": uid, "token": token})
    emailed_to = ""
    if email_configured() and user.email:
        hours = settings.PASSWORD_RESET_TIMEOUT // 3600
        send_mail(
            _("KTTT: đường dẫn đặt mật khẩu"),
            _(
                "Chào %(name)s,\n\nQuản trị hệ thống KTTT đã cấp cho tài khoản “%(username)s” "
                "một đường dẫn để đặt mật khẩu mới. Đường dẫn chỉ dùng được một lần, trong "
                "%(hours)s giờ:\n\n%(link)s\n\nNếu bạn không yêu cầu, hãy báo cho quản trị hệ "
                "thống."
            )
            % {
                "name": user.get_full_name() or user.username,
                "username": user.username,
                "hours": hours,
                "link": base_url.rstrip("/") + path,
            },
            None,
            [user.email],
        )
        emailed_to = user.email
    audit(user, Action.RESET_LINK, {"emailed_to": emailed_to} if emailed_to else {}, actor, source)
    return ResetLink(path=path, emailed_to=emailed_to)


def record_password_set(*, user: AbstractBaseUser, source: str = "web") -> None:
    """The holder of a one-time link set a password (Django's form saved it)."""
    audit(user, Action.PASSWORD_SET, {}, None, source)


def record_password_change(*, user: AbstractBaseUser, source: str = "web") -> None:
    """A user changed their own password (Django's form saved it)."""
    audit(user, Action.PASSWORD_CHANGE, {}, user, source)
