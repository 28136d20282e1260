"""The grading rules in the admin site, to read only: a rule is recorded and changed on its
page (/quy-dinh-xep-loai/), whose service re-attaches the graded yearly rows, which an edit
here would not do."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from kttt.registry.models import GradingRule


@admin.register(GradingRule)
class GradingRuleAdmin(admin.ModelAdmin):
    list_display = ["name", "valid_from", "valid_to", "effective", "updated_at"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
