"""Every save and delete of a tracked model records a change.

Receivers are connected per model (not for every sender): a receiver for all senders would
turn off Django's fast deletes for every model of the project."""

from typing import Any

from django.apps import apps
from django.db import connections
from django.db.models.signals import m2m_changed, post_delete, post_migrate, post_save

from kttt.changes.models import Change
from kttt.changes.services import data_changed

# The apps whose data the indicators read (DOMAIN.md §3, §4) ...
TRACKED_APPS = ("areas", "registry")
# ... but for their records of who did what, which no figure reads (tests/changes checks
# that the indicators do not name them).
UNTRACKED = frozenset({"registry.AuditEntry", "registry.YearlyReview"})
# The models whose rows belong to one year's figures.
YEARLY = frozenset({"registry.YearlyReport"})


def _changed(sender: Any, instance: Any, **kwargs: Any) -> None:
    data_changed(instance.year if sender._meta.label in YEARLY else None)


def _m2m_changed(sender: Any, action: str, **kwargs: Any) -> None:
    if action in ("post_add", "post_remove", "post_clear"):
        data_changed()


def _migrated(sender: Any, using: str = "default", **kwargs: Any) -> None:
    # A data migration writes with QuerySet.update: count every migrate run as a change
    # (unless this app's table is not there: migrated back to zero).
    if sender.name != "kttt.changes":
        return
    connection = connections[using]
    if Change._meta.db_table in connection.introspection.table_names():
        data_changed()


def tracked_models() -> list[Any]:
    return [
        model
        for label in TRACKED_APPS
        for model in apps.get_app_config(label).get_models()
        if model._meta.label not in UNTRACKED
    ]


def connect() -> None:
    for model in tracked_models():
        uid = f"kttt.changes:{model._meta.label}"
        post_save.connect(_changed, sender=model, dispatch_uid=f"{uid}:save")
        post_delete.connect(_changed, sender=model, dispatch_uid=f"{uid}:delete")
        for field in model._meta.local_many_to_many:
            m2m_changed.connect(
                _m2m_changed, sender=field.remote_field.through, dispatch_uid=f"{uid}:{field.name}"
            )
    post_migrate.connect(_migrated, dispatch_uid="kttt.changes:migrate")
