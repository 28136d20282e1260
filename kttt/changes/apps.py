from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ChangesConfig(AppConfig):
    name = "kttt.changes"
    verbose_name = _("Phiên bản dữ liệu")

    def ready(self) -> None:
        from kttt.changes import signals

        signals.connect()
