"""Shared set-up for the page tests: people with roles, and cooperatives placed so that
scopes read today (after the 2025 reform) see them."""

import datetime as dt
from html.parser import HTMLParser
from typing import Any

from django.contrib.auth.models import User
from django.test import Client

from kttt.accounts.models import Role
from kttt.areas.models import Unit
from kttt.registry import services
from kttt.registry.models import Entity
from tests import factories

# Pages render {% static %}; the manifest storage used when DEBUG is off needs a
# collectstatic run that a test run does not do.
PLAIN_STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
PASSWORD = "mat-khau-thu-nghiem"
REFORM = factories.AFTER


def coop(code: str, old: Unit, new: Unit, **extra: object) -> Entity:
    """An entity established in an old commune and moved into a new one on 01/7/2025."""
    entity = factories.entity(code, old, **extra)  # type: ignore[arg-type]
    services.move_entity(entity=entity, unit=new, date=REFORM, source="test")
    return entity


def person(role: str, area_code: str = "", **extra: object) -> User:
    return factories.user_with_role(role, area_code, **extra)  # type: ignore[arg-type]


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def admin() -> User:
    return person(Role.ADMIN)


def commune_officer(code: str = "3549") -> User:
    """A commune officer of today's Xã Phong Thổ (3549 read after the reform)."""
    return person(Role.COMMUNE, code)


def viewer(code: str = "3549") -> User:
    return person(Role.VIEWER, code)


def today() -> dt.date:
    from kttt.access.scope import today as access_today

    return access_today()


class _FormReader(HTMLParser):
    """The values a browser would send from each <form method="post"> of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[dict[str, list[str]]] = []
        self.values: dict[str, list[str]] = {}
        self.inside = False
        self.select: str | None = None
        self.textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form" and a.get("method", "").lower() == "post":
            self.inside, self.values = True, {}
            self.forms.append(self.values)
        if not self.inside:
            return
        name = a.get("name", "")
        if tag == "input" and name and name != "csrfmiddlewaretoken":
            kind = a.get("type", "text")
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    self.values.setdefault(name, []).append(a.get("value", "on"))
            elif kind not in ("submit", "button", "file"):
                self.values.setdefault(name, []).append(a.get("value", ""))
        elif tag == "select" and name:
            self.select = name
            self.values.setdefault(name, [])
        elif tag == "option" and self.select and "selected" in a:
            self.values[self.select].append(a.get("value", ""))
        elif tag == "textarea" and name:
            self.textarea = name
            self.values[name] = [""]

    def handle_data(self, data: str) -> None:
        if self.textarea:
            self.values[self.textarea][0] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self.select = None
        elif tag == "textarea":
            if self.textarea:
                self.values[self.textarea][0] = self.values[self.textarea][0].removeprefix("\n")
            self.textarea = None
        elif tag == "form" and self.inside:
            self.inside = False


def form_values(html: str, having: str = "version") -> dict[str, Any]:
    """What a post form of the page would send as it stands (the first with a field
    `having`, else the largest: not the log-out button): a value per field, a list where
    several are chosen, the CSRF token left out."""
    reader = _FormReader()
    reader.feed(html)
    values = next((f for f in reader.forms if having in f), None) or max(reader.forms, key=len)
    return {k: v if len(v) != 1 else v[0] for k, v in values.items()}
