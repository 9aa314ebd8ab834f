"""What managers validate: price updates (V-8) and ownership transfers (V-14)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from django_fsm import TransitionNotAllowed

from openflex.accounts import rules
from openflex.accounts.permissions import rule_required
from openflex.core import lists

from .. import selectors, services
from ..models import OwnershipTransfer
from .filters import PriceChangeFilter, TransferFilter
from .forms import DecisionForm


@rule_required(rules.can_validate_prices)
@require_GET
def price_change_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    filterset = PriceChangeFilter(
        request.GET, queryset=selectors.price_changes_to_validate(user=user), user=user
    )
    return lists.render_list(request, "vehicles/price_changes.html", filterset)


@rule_required(rules.can_validate_prices)
@require_POST
def price_change_decide(request: HttpRequest, pk: int) -> HttpResponse:
    change = get_object_or_404(selectors.price_changes_for_user(user=request.user), pk=pk)
    form = DecisionForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    action = request.POST.get("action")
    if action not in ("validate", "refuse"):
        messages.error(request, _("Choisissez de valider ou de refuser."))
        return redirect("vehicles:price_changes")
    try:
        if action == "validate":
            services.price_change_validate(change=change, by=request.user)
            messages.success(request, _("Mise à jour de prix validée."))
        else:
            services.price_change_refuse(change=change, by=request.user, reason=reason)
            messages.success(request, _("Mise à jour de prix refusée."))
    except TransitionNotAllowed:
        messages.error(request, _("Cette mise à jour a déjà été traitée."))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("vehicles:price_changes")


@rule_required(rules.sees_stock)
@require_GET
def transfer_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    filterset = TransferFilter(
        request.GET, queryset=selectors.transfers_for_user(user=user), user=user
    )

    def with_decision(transfers):
        # The user's point-of-sale ids are read once and cached on the user (the rows'
        # vehicle links ask them too): no query per row.
        for transfer in transfers:
            transfer.can_decide = transfer.status == OwnershipTransfer.Status.TO_VALIDATE and (
                services.transfer_can_decide(
                    user, transfer, user_pos_ids=rules.user_point_of_sale_ids(user)
                )
            )
            yield transfer

    return lists.render_list(request, "vehicles/transfers.html", filterset, rows=with_decision)


@rule_required(rules.sees_stock)
@require_POST
def transfer_decide(request: HttpRequest, pk: int) -> HttpResponse:
    transfer = get_object_or_404(OwnershipTransfer, pk=pk)
    form = DecisionForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    action = request.POST.get("action")
    if action not in ("approve", "reject"):
        messages.error(request, _("Choisissez de valider ou de rejeter."))
        return _after_transfer_decision(request, transfer)
    try:
        if action == "approve":
            services.transfer_approve(transfer=transfer, by=request.user)
            messages.success(request, _("Transfert validé."))
        else:
            services.transfer_reject(transfer=transfer, by=request.user, reason=reason)
            messages.success(request, _("Transfert rejeté."))
    except TransitionNotAllowed:
        messages.error(request, _("Ce transfert a déjà été traité."))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return _after_transfer_decision(request, transfer)


def _after_transfer_decision(request: HttpRequest, transfer: OwnershipTransfer) -> HttpResponse:
    """Back to the vehicle page when decided there and the vehicle is still visible."""
    if (
        request.POST.get("next") == "vehicle"
        and selectors.vehicle_queryset_for_user(request.user)
        .filter(pk=transfer.vehicle_id)
        .exists()
    ):
        return redirect("vehicles:detail", number=transfer.vehicle_id)
    return redirect(f"{reverse('vehicles:transfers')}?statut=a_valider")
