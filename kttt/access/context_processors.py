from typing import Any

from django.http import HttpRequest

from kttt.access.scope import scope_of


def roles(request: HttpRequest) -> dict[str, Any]:
    """The user's scope, for menus that show only what the user may do."""
    return {"scope": scope_of(request)}
