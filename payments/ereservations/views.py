"""E-reservation pages (P-8): the public page of a published vehicle with "Réserver ce
véhicule" (no login; the page the stock feed links to), and the group's settings."""

from datetime import timedelta

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from openflex.accounts.permissions import admin_required
from openflex.core.clients import client_ip
from openflex.core.throttle import throttle_hit
from payments.ereservations import selectors, services
from payments.ereservations.forms import EReservationForm, EReservationSettingsForm
from payments.transactions.services import payment_link_url
from vehicles.models import ReservationKind

# Requests of one address: a form that creates payments is not a free-for-all.
THROTTLE = {"scope": "ereservation", "limit": 10, "window": timedelta(hours=1)}


def _page(request, vehicle, form=None, *, error: str = "", status: int = 200) -> HttpResponse:
    settings = services.ereservation_settings()
    refusal = services.ereservation_refusal(vehicle, settings)
    context = {
        "vehicle": vehicle,
        # What the public may know of a hold: a client's e-reservation and its end; any
        # other (a salesperson's pre-entry reservation) is only "Réservé".
        "held_until": vehicle.reservation_ends_at
        if vehicle.reservation_kind == ReservationKind.CUSTOMER
        else None,
        "settings": settings,
        "refusal": refusal,
        "form": form or EReservationForm(),
        "error": error,
    }
    return render(request, "payments/vehicle_public.html", context, status=status)


@require_GET
def vehicle_public(request: HttpRequest, number: int) -> HttpResponse:
    return _page(request, selectors.vehicle_public_get(number=number))


@require_POST
def vehicle_reserve(request: HttpRequest, number: int) -> HttpResponse:
    vehicle = selectors.vehicle_public_get(number=number)
    form = EReservationForm(request.POST)
    if not form.is_valid():
        return _page(request, vehicle, form, status=400)
    if not throttle_hit(value=client_ip(request) or "unknown", **THROTTLE):
        error = _("Trop de demandes depuis votre connexion : réessayez dans une heure.")
        return _page(request, vehicle, form, error=error, status=429)
    try:
        payment = services.ereservation_request(vehicle=vehicle, **form.cleaned_data)
    except ValidationError as exc:
        if hasattr(exc, "error_dict"):
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
            return _page(request, vehicle, form, status=400)
        return _page(request, vehicle, form, error=" ".join(exc.messages), status=409)
    return redirect(payment_link_url(payment))


@admin_required
@require_http_methods(["GET", "POST"])
def ereservation_settings(request: HttpRequest) -> HttpResponse:
    current = services.ereservation_settings()
    form = EReservationSettingsForm(request.POST or None, instance=current)
    if request.method == "POST" and form.is_valid():
        services.ereservation_settings_update(by=request.user, **form.cleaned_data)
        messages.success(request, _("Paramètres enregistrés."))
        return redirect("payments:ereservation_settings")
    return render(
        request,
        "payments/ereservation_settings.html",
        {"form": form},
        status=400 if request.method == "POST" else 200,
    )
