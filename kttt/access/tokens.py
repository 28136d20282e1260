"""Who may revoke which API token (docs/roles.md, "API tokens"): every user their own, an
administrator any account's from that account's page. Anyone else's token answers 404, as
if it did not exist; the account pages' other actions stay 403 for a non-administrator."""

from typing import Any

from django.http import Http404

from kttt.access.scope import require, scope_of
from kttt.accounts.models import ApiToken


def access_token(request_or_user: object, pk: int, *, account: Any = None) -> ApiToken:
    """The token `pk` of the user asking (`account` None) or, for an administrator, of
    `account`. A non-administrator naming an account gets 403 (PermissionDenied)."""
    scope = scope_of(request_or_user)
    if account is not None:
        require(scope.can_manage_accounts())
    owner_id = account.pk if account is not None else scope.user_id
    if owner_id is None:
        raise Http404
    token = ApiToken.objects.select_related("user").filter(pk=pk, user_id=owner_id).first()
    if token is None:
        raise Http404
    return token


def tokens_of(user: Any) -> list[ApiToken]:
    """A user's tokens, newest first (active, expired and revoked: the list is the record)."""
    tokens = ApiToken.objects.filter(user=user).select_related("created_by")
    return list(tokens.order_by("-created_at", "-pk"))
