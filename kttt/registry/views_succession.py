"""The successions an administrator records and applies (DOMAIN.md §3). They live in the
registry because applying one moves cooperatives; the URLs keep the `areas` namespace
(kttt/urls.py)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from kttt.access.scope import require, scope_of
from kttt.areas import services
from kttt.areas.forms import SuccessionForm
from kttt.areas.models import Succession
from kttt.registry.services import apply_succession


def successions() -> list[Succession]:
    return list(
        Succession.objects.prefetch_related("old_units", "new_units").order_by("-date", "pk")
    )


@login_required
def succession_list(request: HttpRequest) -> HttpResponse:
    require(scope_of(request).can_manage_units())
    return render(request, "registry/succession_list.html", {"successions": successions()})


@login_required
@require_http_methods(["GET", "POST"])
def succession_create(request: HttpRequest) -> HttpResponse:
    require(scope_of(request).can_manage_units())
    form = SuccessionForm(request.POST or None)
    if form.is_bound and form.is_valid():
        try:
            services.record_succession(**form.cleaned_data, user=request.user)
        except services.AreaError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Đã ghi nhận sắp xếp đơn vị hành chính."))
            return redirect("areas:succession_list")
    status = 400 if form.is_bound else 200
    return render(request, "registry/succession_form.html", {"form": form}, status=status)


@login_required
@require_POST
def succession_apply(request: HttpRequest, pk: int) -> HttpResponse:
    """Adds location rows dated on the succession's date; never rewrites history."""
    require(scope_of(request).can_manage_units())
    succession = get_object_or_404(
        Succession.objects.prefetch_related("old_units", "new_units"), pk=pk
    )
    moved, undecided = apply_succession(succession=succession, user=request.user)
    context = {"succession": succession, "moved": moved, "undecided": undecided}
    return render(request, "registry/succession_applied.html", context)
