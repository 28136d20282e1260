"""Administrative units through time: the unit list (anyone logged in). The successions'
pages are the registry's (kttt.registry.views_succession): applying one moves cooperatives."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from kttt.areas.forms import UnitFilterForm
from kttt.areas.models import Level, Unit


@login_required
def unit_list(request: HttpRequest) -> HttpResponse:
    form = UnitFilterForm(request.GET)
    form.is_valid()
    on = form.cleaned_data.get("on") or timezone.localdate()
    units = Unit.objects.valid_at(on).select_related("parent", "province", "district")
    if level := form.cleaned_data.get("level"):
        units = units.filter(level=level)
    context = {"form": form, "units": sorted(units, key=tree_order), "on": on}
    return render(request, "areas/unit_list.html", context)


def tree_order(unit: Unit) -> tuple[str, str, int, str]:
    """A province, then each district followed by its communes, alphabetically."""
    if unit.level == Level.PROVINCE:
        return (unit.sort_name, "", 0, "")
    province = unit.province.sort_name if unit.province else ""
    if unit.level == Level.DISTRICT:
        return (province, unit.sort_name, 1, "")
    district = unit.district.sort_name if unit.district else ""
    return (province, district, 2, unit.sort_name)
