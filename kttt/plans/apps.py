from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlansConfig(AppConfig):
    name = "kttt.plans"
    verbose_name = _("Đề án, kế hoạch")
