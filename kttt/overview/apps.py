from django.apps import AppConfig


class OverviewConfig(AppConfig):
    name = "kttt.overview"
    verbose_name = "Tổng quan"
