from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistryConfig(AppConfig):
    name = "kttt.registry"
    verbose_name = _("Sổ đăng ký HTX, THT")
