from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    """The demo loader (`kttt load_demo`): at the top of the layers, it may use every app."""

    name = "kttt.demo"
    verbose_name = _("Dữ liệu minh họa")
