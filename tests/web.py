"""Shared set-up for the page tests: people with roles, and cooperatives placed so that
scopes read today (after the 2025 reform) see them."""

import datetime as dt

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
