"""Cooperatives' links with enterprises (liên kết chuỗi giá trị): the list, one
cooperative's links, entering them, and the yearly "value chain" flag derived from them."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Min, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from kttt.access.plans import access_link, has_work_unit, links_visible_to
from kttt.access.registry import access_entity, may_write_entity
from kttt.access.scope import today
from kttt.plans import activities, budget
from kttt.plans.forms.links import LinkFilterForm, LinkForm
from kttt.plans.models import EnterpriseLink
from kttt.plans.views.common import guard_of, status_of
from kttt.registry.models import Entity
from kttt.registry.queries import search
from kttt.web import saved


def link_years() -> list[int]:
    """The years a link filter offers: from the first contract to this year."""
    found = EnterpriseLink.objects.aggregate(first=Min("contract_date"))
    this_year = today().year
    first = found["first"].year if found["first"] else this_year
    return list(range(this_year, first - 1, -1))


@login_required
def link_list(request: HttpRequest) -> HttpResponse:
    form = LinkFilterForm(request.GET, years=link_years())
    links = links_visible_to(request).select_related("entity")
    if text := form.value("q"):
        links = links.filter(
            Q(entity__in=search(Entity.objects.all(), text))
            | Q(entity__code__icontains=text)
            | Q(enterprise__icontains=text)
            | Q(product__icontains=text)
        )
    if year := form.value("year"):
        links = links.filter(activities.links_in_force(int(year)))
    if form.value("export"):
        links = links.filter(exports_via_ma_lu_thang=True)
    links = links.order_by("entity__sort_name", "-contract_date", "pk")
    values = [v for v in links.values_list("value", flat=True) if v is not None]
    page = Paginator(links, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "query": query.urlencode(),
        "total_value": sum(values, budget.ZERO),
        "tab": "links",
        "has_work_unit": has_work_unit(request),
    }
    return render(request, "execution/links.html", context)


@login_required
def entity_links(request: HttpRequest, code: str) -> HttpResponse:
    entity = access_entity(request, code)
    changes = activities.value_chain_changes(entity)
    derived = {year: flag for year, _old, flag in changes}
    reports = entity.reports.order_by("year").values_list("year", "value_chain")
    context = {
        "entity": entity,
        "links": list(entity.enterprise_links.order_by("-contract_date", "pk")),
        "changes": changes,
        # (year, recorded, derived from the links, differs)
        "rows": [
            (str(year), bool(flag), derived.get(year, bool(flag)), year in derived)
            for year, flag in reports
        ],
        "can_write": may_write_entity(request, entity, "registry"),
        "tab": "links",
        "has_work_unit": has_work_unit(request),
    }
    return render(request, "execution/entity_links.html", context)


def link_form_page(
    request: HttpRequest, form: LinkForm, entity: Entity, title: str
) -> HttpResponse:
    context = {
        "form": form,
        "title": title,
        "entity": entity,
        "cancel_url": reverse("execution:entity_links", args=[entity.code]),
        "help": _(
            "Hợp đồng liên kết của HTX với một doanh nghiệp: sản phẩm, ngày ký, ngày kết thúc; "
            "sau khi lưu, trở về danh sách liên kết của HTX."
        ),
    }
    return render(request, "execution/form.html", context, status=status_of(form))


def to_links(entity: Entity) -> HttpResponse:
    return redirect("execution:entity_links", code=entity.code)


@login_required
@require_http_methods(["GET", "POST"])
def link_create(request: HttpRequest, code: str) -> HttpResponse:
    entity = access_entity(request, code, write="registry")
    form = LinkForm(request.POST or None)
    if saved(form, lambda: activities.save_link(entity=entity, values=form.values())):
        messages.success(request, _("Đã thêm liên kết."))
        return to_links(entity)
    return link_form_page(request, form, entity, _("Thêm liên kết với doanh nghiệp"))


@login_required
@require_http_methods(["GET", "POST"])
def link_edit(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    link = access_link(request, code, pk, write=True)
    guard = guard_of(link, lambda k: {f: getattr(k, f) for f in LinkForm.FIELDS})
    form = guard.track(LinkForm(request.POST or None, initial=guard.initial))
    if saved(
        form,
        lambda: activities.save_link(entity=link.entity, values=form.values(), link=link),
        guard=guard,
    ):
        messages.success(request, _("Đã lưu liên kết."))
        return to_links(link.entity)
    return link_form_page(request, form, link.entity, _("Sửa liên kết với doanh nghiệp"))


@login_required
@require_http_methods(["GET", "POST"])
def link_delete(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    link = access_link(request, code, pk, write=True)
    if request.method == "POST":
        activities.delete_link(link=link)
        messages.success(request, _("Đã xóa liên kết."))
        return to_links(link.entity)
    what = _("liên kết với “%(enterprise)s” (%(product)s)") % {
        "enterprise": link.enterprise,
        "product": link.product,
    }
    back = reverse("execution:entity_links", args=[link.entity.code])
    context = {
        "what": what,
        "cancel_url": back,
        "help": _("Bấm “Xóa” để bỏ liên kết khỏi danh sách của HTX; không hoàn tác được."),
    }
    return render(request, "execution/confirm_delete.html", context)


@login_required
@require_POST
def value_chain_derive(request: HttpRequest, code: str) -> HttpResponse:
    entity = access_entity(request, code, write="registry")
    years = activities.derive_value_chain(entity=entity, user=request.user)
    if years:
        messages.success(
            request,
            _("Đã cập nhật “Liên kết chuỗi giá trị” theo hợp đồng cho các năm: %(years)s.")
            % {"years": ", ".join(str(y) for y in years)},
        )
    else:
        messages.success(request, _("Số liệu năm đã khớp với các hợp đồng; không có gì thay đổi."))
    return to_links(entity)
