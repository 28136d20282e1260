"""Implementing units through time (docs/plan-execution.md): the list with their validity
and recorded transfers for every signed-in user (offices and committees are public bodies);
ending a unit with the units that take over its open work, and undoing a transfer, for
administrators (`kttt units` does the same from the command line)."""

from collections import Counter

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from kttt.access.plans import access_transfer, access_unit, has_work_unit, may_manage_units
from kttt.plans.forms.units import EndUnitForm
from kttt.plans.models import ImplementingUnit, UnitTransfer, UnitTransferItem
from kttt.plans.units import end_unit, undo_transfer
from kttt.plans.views.common import status_of
from kttt.web import VNForm, saved


@login_required
def unit_list(request: HttpRequest) -> HttpResponse:
    transfers = (
        UnitTransfer.objects.select_related("unit", "created_by", "undone_by")
        .prefetch_related("successors", "items")
        .order_by("-ended_on", "-pk")
    )
    rows = []
    for transfer in transfers:
        counts = Counter(item.kind for item in transfer.items.all())
        rows.append(
            {
                "transfer": transfer,
                "lead": counts[UnitTransferItem.Kind.LEAD],
                "cooperating": counts[UnitTransferItem.Kind.COOPERATING],
                "activities": counts[UnitTransferItem.Kind.ACTIVITY],
            }
        )
    context = {
        "units": ImplementingUnit.objects.order_by("kind", "name"),
        "transfers": rows,
        "can_manage": may_manage_units(request),
        "tab": "units",
        "has_work_unit": has_work_unit(request),
    }
    return render(request, "execution/units.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def unit_end(request: HttpRequest, pk: int) -> HttpResponse:
    unit = access_unit(request, pk, write=True)
    form = EndUnitForm(request.POST or None, unit=unit)
    done: list[UnitTransfer] = []

    def write() -> None:
        done.append(
            end_unit(
                unit=unit,
                date=form.cleaned_data["date"],
                successors=form.successors(),
                user=request.user,
                source=form.cleaned_data["source"],
                note=form.cleaned_data["note"],
            )
        )

    if saved(form, write):
        messages.success(
            request,
            _("Đã ghi nhận: %(unit)s kết thúc, %(n)s việc còn mở được chuyển giao.")
            % {"unit": unit.name, "n": done[0].items.count()},
        )
        return redirect("execution:unit_list")
    context = {
        "form": form,
        "title": _("Kết thúc đơn vị: %(unit)s") % {"unit": unit.name},
        "intro": _(
            "Các nhiệm vụ (chủ trì, phối hợp) còn trong kỳ và các hoạt động chưa xong kết thúc "
            "sau ngày cuối cùng được chuyển cho đơn vị nhận việc; việc đã xong ở lại đơn vị cũ. "
            "Lần chuyển giao được ghi lại và có thể hoàn tác."
        ),
        "cancel_url": reverse("execution:unit_list"),
        "help": _("Ghi ngày đơn vị thôi hoạt động và đơn vị nhận lại việc còn mở của đơn vị."),
    }
    return render(request, "execution/form.html", context, status=status_of(form))


@login_required
@require_POST
def transfer_undo(request: HttpRequest, pk: int) -> HttpResponse:
    transfer = access_transfer(request, pk, write=True)
    form = VNForm(request.POST)  # nothing to read but the button; a refusal is its error
    if saved(form, lambda: undo_transfer(transfer=transfer, user=request.user)):
        messages.success(
            request,
            _("Đã hoàn tác chuyển giao: %(unit)s hoạt động trở lại.") % {"unit": transfer.unit},
        )
    else:
        for error in form.non_field_errors():
            messages.error(request, str(error))
    return redirect("execution:unit_list")
