from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IndicatorsConfig(AppConfig):
    name = "kttt.indicators"
    verbose_name = _("Chỉ tiêu")

    def ready(self) -> None:
        from kttt.changes.services import committed
        from kttt.indicators import refresh

        committed.connect(refresh.on_commit, dispatch_uid="kttt.indicators.refresh")
