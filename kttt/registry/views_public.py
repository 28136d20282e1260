"""The products page (issue 9, point 7; the plan's task c): open without log-in, it lists the
cooperatives that agreed to be listed (`Entity.listed_publicly`) and are active today, with
their commune, sector, OCOP products valid today and public contact (address, telephone).
Nothing else of the registry: no code, members, figures, grades, history or notes."""

from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import OuterRef, Prefetch, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from kttt.access.scope import today
from kttt.lib.dates import add_months
from kttt.registry import queries
from kttt.registry.models import Entity, Location, OcopProduct

OCOP_VALID_MONTHS = 36


def listed_cooperatives(text: str) -> QuerySet[Entity]:
    """Listed, active today, matching every word of `text` (no diacritics needed), with
    today's commune and the OCOP products valid today: three queries a page, whatever the
    number of rows."""
    on = today()
    entities = queries.active_at(Entity.objects.filter(listed_publicly=True), on)
    if text:
        entities = queries.search(entities, text)
    commune = (
        Location.objects.filter(entity=OuterRef("pk"), valid_from__lte=on)
        .order_by("-valid_from")
        .values("unit__name")[:1]
    )
    valid = OcopProduct.objects.filter(
        recognized_on__lte=on, recognized_on__gt=add_months(on, -OCOP_VALID_MONTHS)
    ).order_by("-stars", "name")
    return (
        entities.annotate(commune_name=commune)
        .prefetch_related(Prefetch("ocop_products", queryset=valid, to_attr="valid_products"))
        .only("name", "sector", "address", "phone", "sort_name", "code")
        .order_by("sort_name", "code")
    )


def products(request: HttpRequest) -> HttpResponse:
    text = request.GET.get("q", "").strip()[:100]
    page = Paginator(listed_cooperatives(text), settings.KTTT_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "registry/products.html", {"page": page, "q": text})
