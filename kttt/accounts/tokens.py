"""API tokens (issue 10): made, revoked and checked here, each change audited.

A key is `kttt_<prefix>_<secret>`: the prefix (8 characters, stored as is) finds the token,
the secret (32 random bytes) is never stored; the database keeps the SHA-256 of the whole
key. A fast hash is enough for a key of 256 random bits (there is no dictionary to try), and
it keeps the check of every API request cheap.
"""

import datetime as dt
import hashlib
import hmac
import secrets
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kttt.accounts.models import AccountAuditEntry, ApiToken
from kttt.accounts.services import AccountError, audit
from kttt.lib.numbers import format_number

Action = AccountAuditEntry.Action
PREFIX = "kttt_"
MAX_DAYS = 3650
# last_used_at is written at most this often per token: no write per request.
USE_RECORDED_EVERY = dt.timedelta(minutes=5)


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def state(token: ApiToken, now: dt.datetime | None = None) -> str:
    """ "active", "expired" or "revoked"."""
    now = now or timezone.now()
    if token.revoked_at is not None:
        return "revoked"
    if token.expires_at is not None and token.expires_at <= now:
        return "expired"
    return "active"


def state_label(token: ApiToken) -> str:
    return {
        "active": _("Đang dùng"),
        "expired": _("Hết hạn"),
        "revoked": _("Đã thu hồi"),
    }[state(token)]


@transaction.atomic
def create_token(
    *,
    user: Any,
    name: str = "",
    days: int | None = None,
    actor: Any = None,
    source: str = "web",
) -> tuple[ApiToken, str]:
    """Make a token for `user`; returns it and its key, which is shown once and never
    again. `days`: valid for that many days (1 to 3650); None: until revoked."""
    if not user.is_active:
        raise AccountError(_("Tài khoản đã bị khóa: không tạo được khóa API."))
    if days is not None and not 1 <= days <= MAX_DAYS:
        raise AccountError(
            _("Số ngày hiệu lực phải từ 1 đến %(max)s.") % {"max": format_number(MAX_DAYS)}
        )
    name = (name or "").strip()
    if len(name) > 100:
        raise AccountError(_("Tên gợi nhớ dài tối đa 100 ký tự."))
    prefix = secrets.token_hex(4)
    while ApiToken.objects.filter(prefix=prefix).exists():
        prefix = secrets.token_hex(4)
    key = f"{PREFIX}{prefix}_{secrets.token_urlsafe(32)}"
    expires = timezone.now() + dt.timedelta(days=days) if days is not None else None
    token = ApiToken.objects.create(
        user=user,
        name=name,
        prefix=prefix,
        key_hash=_hash(key),
        created_by=actor if getattr(actor, "pk", None) else None,
        expires_at=expires,
    )
    changes = {"token": prefix, "name": name}
    if expires is not None:
        changes["expires"] = timezone.localtime(expires).date().isoformat()
    audit(user, Action.TOKEN_CREATE, changes, actor, source)
    return token, key


@transaction.atomic
def revoke_token(*, token: ApiToken, actor: Any = None, source: str = "web") -> None:
    """Stop a token from working, at once; it stays listed as revoked."""
    if token.revoked_at is not None:
        raise AccountError(_("Khóa API này đã được thu hồi."))
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    audit(token.user, Action.TOKEN_REVOKE, {"token": token.prefix}, actor, source)


def user_for_key(key: str) -> Any:
    """The active user a valid, unexpired, unrevoked key belongs to; None otherwise (the
    caller answers 401 without saying which)."""
    parts = key.strip().split("_")
    if len(parts) < 3 or f"{parts[0]}_" != PREFIX:
        return None
    token = ApiToken.objects.select_related("user").filter(prefix=parts[1]).first()
    if token is None or not hmac.compare_digest(token.key_hash, _hash(key.strip())):
        return None
    now = timezone.now()
    if state(token, now) != "active" or not token.user.is_active:
        return None
    if token.last_used_at is None or now - token.last_used_at >= USE_RECORDED_EVERY:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user
