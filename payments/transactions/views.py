"""E-payment pages: the customer's link page and returns (public), the provider callback
(public, CSRF-exempt: the only one), the actions on a payment, the Paramètres screen."""

from __future__ import annotations

import logging

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from openflex.accounts import rules
from openflex.accounts.models import PointOfSale
from openflex.accounts.permissions import admin_required, rule_required
from openflex.core.clients import client_ip
from openflex.core.redirects import safe_next
from payments.providers.registry import adapter_for
from payments.transactions import selectors, services
from payments.transactions.forms import PaymentConfigurationForm
from payments.transactions.models import Payment, PaymentEvent, Provider
from payments.transactions.services.checkout import payment_checkout

logger = logging.getLogger("payments.provider")


# --- Customer pages (public) ---------------------------------------------------------------


@require_GET
def payment_link(request: HttpRequest, token: str) -> HttpResponse:
    """The link of the email (X-3): the payment's summary and the button to the provider's
    hosted page. Expired, superseded or tampered: a clear page with the dealer's contact
    (none when the token is not ours), never a 500, never another customer's data."""
    state, payment = services.payment_link_read(token)
    context = {"state": state, "payment": payment}
    status = 200
    if state == "ok" and payment.status in Payment.PENDING:
        config = selectors.payment_configuration_for(payment.point_of_sale_id)
        if config is None or adapter_for(payment.provider) is None:
            context["state"] = "unavailable"
        else:
            page = payment_checkout(payment=payment, config=config)
            context["hosted_page"] = page
            response = render(request, "payments/link.html", context)
            if page.origin:
                # The provider's page is on another origin: the form may post there only.
                response._csp_update = {"form-action": [page.origin]}
            return response
    elif state == "ok":
        context["state"] = "done"
    else:
        status = 410 if state in ("expired", "superseded") else 404
    return render(request, "payments/link.html", context, status=status)


@require_GET
def payment_return(request: HttpRequest, provider: str, outcome: str) -> HttpResponse:
    """The customer back from the provider (ACCEPTURL, DECLINEURL, EXCEPTIONURL,
    CANCELURL): verified and applied like a callback; the page tells the payment's status
    as it now is (not the URL's word)."""
    received = services.payment_provider_message_receive(
        provider=provider,
        params=request.GET,
        source=PaymentEvent.Kind.RETURN,
        ip=client_ip(request),
    )
    context = {"received": received, "payment": received.payment}
    return render(request, "payments/return.html", context, status=received.http_status)


@csrf_exempt  # the provider's server-to-server POST carries no CSRF token: its SHASIGN is the check
@require_POST
def payment_callback(request: HttpRequest, provider: str) -> HttpResponse:
    received = services.payment_provider_message_receive(
        provider=provider,
        params=request.POST,
        source=PaymentEvent.Kind.CALLBACK,
        ip=client_ip(request),
    )
    text = {200: "OK", 400: "Bad signature or amount", 404: "Unknown reference"}
    return HttpResponse(
        text.get(received.http_status, ""), status=received.http_status, content_type="text/plain"
    )


@require_GET
def payment_privacy(request: HttpRequest) -> HttpResponse:
    return render(request, "payments/privacy.html")


# --- Actions of the staff -------------------------------------------------------------------

ACTIONS = {
    "resend": (services.payment_link_resend, _("Le lien de e-paiement a été renvoyé.")),
    "retry": (services.payment_retry, _("Un nouveau lien de e-paiement a été envoyé.")),
    "refunded": (services.payment_mark_refunded, _("Le e-paiement est marqué comme remboursé.")),
    "provider_refund": (
        services.payment_provider_refund_request,
        _("Le remboursement est demandé au prestataire."),
    ),
}


@rule_required(rules.works_on_sales)
@require_POST
def payment_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """ "Renvoyer le lien", "Effectuer un nouveau paiement", "Marquer comme remboursé" from
    the order page or the e-payments list (``next``)."""
    if action not in ACTIONS:
        raise Http404
    payment = selectors.payment_get_for_user(user=request.user, pk=pk)
    default = (
        reverse("opportunities:order_detail", args=[payment.order_id])
        if payment.order_id
        else reverse("payments:index")
    )
    back = safe_next(request, request.POST.get("next"), default)
    service, done = ACTIONS[action]
    try:
        service(payment=payment, by=request.user)
    except PermissionDenied:
        raise
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, done)
    return redirect(back)


# --- Paramètres > Opportunités > Parcours de vente digitalisé --------------------------------


@admin_required
@require_GET
def configuration_list(request: HttpRequest) -> HttpResponse:
    points = PointOfSale.objects.select_related(
        "entity", "payment_configuration__configured_by"
    ).order_by("entity__name", "name")
    return render(request, "payments/configuration_list.html", {"points": points})


@admin_required
@require_http_methods(["GET", "POST"])
def configuration_edit(request: HttpRequest, pos_pk: int) -> HttpResponse:
    point = get_object_or_404(PointOfSale.objects.select_related("entity"), pk=pos_pk)
    current = selectors.payment_configuration_for(point.pk)
    form = PaymentConfigurationForm(request.POST or None, instance=current)
    if request.method == "POST":
        if request.POST.get("remove") and current is not None:
            services.payment_configuration_remove(point_of_sale=point, by=request.user)
            messages.success(request, _("Le e-paiement n'est plus proposé à %s.") % point.name)
            return redirect("payments:configuration")
        if form.is_valid():
            with transaction.atomic():
                services.payment_configuration_save(
                    point_of_sale=point, by=request.user, **form.cleaned_data
                )
            messages.success(request, _("Configuration du e-paiement enregistrée."))
            return redirect("payments:configuration")
    return render(
        request,
        "payments/configuration_form.html",
        {"form": form, "point": point, "current": current, "providers": Provider},
        status=400 if request.method == "POST" else 200,
    )
