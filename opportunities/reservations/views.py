"""Pages of the pre-entry reservation of used vehicles (V-11): reserve from a validated
offer, end from the vehicle page (managers), the switch in Paramètres > Véhicules."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from openflex.accounts import rules
from openflex.accounts.permissions import admin_required, rule_required
from openflex.core.inputs import parse_id
from opportunities.reservations import services as reservations
from opportunities.reservations.forms import ReservationEndForm, ReservationSwitchForm
from opportunities.reservations.models import Reservation
from opportunities.sales import selectors
from opportunities.sales.models import SalesSettings
from vehicles.selectors import vehicle_get_for_user


def _first_error(exc: ValidationError) -> str:
    return " ".join(exc.messages)


@rule_required(rules.can_sell)
@require_POST
def offer_reserve(request: HttpRequest, pk: int) -> HttpResponse:
    offer = selectors.offer_get_for_user(user=request.user, pk=pk)
    try:
        reservations.reservation_create(offer=offer, by=request.user)
    except ValidationError as exc:
        messages.error(request, _first_error(exc))
    except PermissionDenied as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            _("Véhicule réservé pour une durée illimitée tant qu'il est en pré-entrée."),
        )
    return redirect("opportunities:offer_detail", pk=offer.pk)


@rule_required(rules.can_sell)
@require_POST
def vehicle_reservation_end(request: HttpRequest, number: int) -> HttpResponse:
    vehicle = vehicle_get_for_user(user=request.user, number=number)
    reservation = get_object_or_404(
        Reservation,
        vehicle=vehicle,
        status=Reservation.Status.ACTIVE,
        pk=parse_id(request.POST.get("reservation")) or 0,
    )
    if not reservations.reservation_user_is_manager(request.user, vehicle):
        raise PermissionDenied
    form = ReservationEndForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Indiquez le motif de l'annulation."))
        return redirect("vehicles:detail", number=vehicle.pk)
    try:
        reservations.reservation_end(
            reservation=reservation,
            by=request.user,
            reason=form.cleaned_data["reason"],
            manager=True,
        )
    except ValidationError as exc:
        messages.error(request, _first_error(exc))
    else:
        messages.success(request, _("Réservation annulée."))
    return redirect("vehicles:detail", number=vehicle.pk)


@admin_required
@require_http_methods(["GET", "POST"])
def reservation_settings(request: HttpRequest) -> HttpResponse:
    current = SalesSettings.current()
    # An unchecked box posts nothing: a POST is bound even when empty.
    form = ReservationSwitchForm(
        request.POST if request.method == "POST" else None,
        initial={"enabled": current.preentry_reservation_enabled},
    )
    if request.method == "POST" and form.is_valid():
        reservations.reservation_switch_set(by=request.user, enabled=form.cleaned_data["enabled"])
        messages.success(request, _("Paramètres enregistrés."))
        return redirect("opportunities:reservation_settings")
    return render(
        request,
        "opportunities/reservations/settings.html",
        {"form": form},
        status=400 if request.method == "POST" else 200,
    )
