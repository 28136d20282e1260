"""Implementing units and their transfers for the administrator. A transfer is made and undone
only through kttt.plans.units (the command `kttt units`), never typed here: it moves rows
that an edit in the admin would not move."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from kttt.plans.models import ImplementingUnit, UnitTransfer, UnitTransferItem


@admin.register(ImplementingUnit)
class ImplementingUnitAdmin(admin.ModelAdmin):
    list_display = ["name", "short_name", "kind", "area_code", "valid_from", "valid_to"]
    list_filter = ["kind"]
    search_fields = ["name", "short_name", "area_code"]


class UnitTransferItemInline(admin.TabularInline):
    model = UnitTransferItem
    fields = readonly_fields = ("kind", "task", "activity", "to_unit", "added")
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(UnitTransfer)
class UnitTransferAdmin(admin.ModelAdmin):
    list_display = ["__str__", "ended_on", "created_by", "created_at", "undone_at"]
    list_filter = ["ended_on"]
    inlines = [UnitTransferItemInline]
    readonly_fields = [
        "unit",
        "ended_on",
        "successors",
        "source",
        "note",
        "created_at",
        "created_by",
        "undone_at",
        "undone_by",
    ]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
