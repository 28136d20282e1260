from django.apps import AppConfig


class AccessConfig(AppConfig):
    """Access decisions (no models); an app for its `kttt createuser` command, which names
    cooperatives and implementing units and so sits above both."""

    name = "kttt.access"
    verbose_name = "Phân quyền"
