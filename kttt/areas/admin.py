from django.contrib import admin

from kttt.areas.models import Succession, Unit


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "level", "parent", "valid_from", "valid_to"]
    list_filter = ["level", "division_type"]
    search_fields = ["code", "name"]
    raw_id_fields = ["parent"]
    exclude = ["province", "district", "sort_name"]


@admin.register(Succession)
class SuccessionAdmin(admin.ModelAdmin):
    list_display = ["date", "__str__", "only_old_territory", "verified"]
    filter_horizontal = ["old_units", "new_units"]
