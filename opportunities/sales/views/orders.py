"""Order pages: list, detail, payment tab and actions (O-5, O-6, O-10)."""

from decimal import Decimal

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from openflex.accounts import rules
from openflex.accounts.permissions import rule_required
from openflex.core import lists
from openflex.core.redirects import safe_next
from opportunities.customers import services as customers_services
from opportunities.customers.forms import LegalRepresentativeForm
from opportunities.documents import services as documents
from opportunities.sales import actions as sales_actions
from opportunities.sales import order_panels, selectors
from opportunities.sales import services as sales_services
from opportunities.sales.filters import OrderFilter
from opportunities.sales.forms import (
    PaymentForm,
)
from opportunities.sales.models import (
    Order,
)
from opportunities.sales.views.common import Action, action_dispatch, add_errors


@rule_required(rules.works_on_sales)
@require_GET
def order_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    filterset = OrderFilter(request.GET, queryset=selectors.order_list(user=user), user=user)

    def with_quick_actions(rows):
        for order in rows:  # the user's rights are cached: no query per row
            order.quick_actions = sales_actions.available_actions(order, user, in_list=True)
        return rows

    return lists.render_list(
        request, "opportunities/order_list.html", filterset, rows=with_quick_actions
    )


ORDER_TABS = {"resume": _("Résumé"), "reglement": _("Règlement"), "historique": _("Historique")}


def _blockers(order) -> list[str]:
    """What stops the order: before sending (O-2, O-6, V-11); on its way to validation, a
    reservation of another opportunity (why "Valider" is missing, V-11)."""
    if order.status == Order.Status.DRAFT:
        return sales_services.order_submit_blockers(order)
    if order.status in Order.ACTIVE and not order.is_validated:
        refusal = sales_services.order_reservation_refusal(order)
        return [refusal] if refusal else []
    return []


def _order_context(request, order, payment_form=None, reason_errors=None):
    tab = request.GET.get("onglet") or ("reglement" if payment_form is not None else "resume")
    if tab not in ORDER_TABS:
        tab = "resume"
    snapshot = order.snapshot
    return {
        "order": order,
        "opportunity": order.opportunity,
        "customer": order.opportunity.customer,
        "snapshot": snapshot,
        "margin_scheme": documents.order_is_margin_scheme(order),
        "totals": {k: Decimal(v) for k, v in snapshot.get("totals", {}).items()},
        "lines": [
            {**line, "amount": Decimal(line["amount"]), "amount_ht": Decimal(line["amount_ht"])}
            for line in snapshot.get("lines", [])
        ],
        "tab": tab,
        "tabs": ORDER_TABS,
        "actions": sales_actions.available_actions(order, request.user),
        "blockers": _blockers(order),
        "order_form_refusal": documents.order_form_refusal(order),
        "missing": customers_services.legal_representative_missing(order.opportunity.customer),
        "payment_form": payment_form or PaymentForm(instance=order),
        "payment_editable": order.status == Order.Status.DRAFT,
        "balance": Decimal(snapshot["totals"]["net_to_pay"]) - order.deposit_amount,
        "events": selectors.order_events(order=order)[:200],
        "reason_errors": reason_errors or {},
        "rep_form": LegalRepresentativeForm(),
        "aside_panels": order_panels.panels_render_context(request, order, place="aside"),
        "payment_panels": order_panels.panels_render_context(request, order, place="reglement"),
    }


@rule_required(rules.works_on_sales)
@require_GET
def order_detail(request: HttpRequest, pk: int) -> HttpResponse:
    order = selectors.order_get_for_user(user=request.user, pk=pk)
    return render(request, "opportunities/order_detail.html", _order_context(request, order))


@rule_required(rules.works_on_sales)
@require_POST
def order_payment(request: HttpRequest, pk: int) -> HttpResponse:
    order = selectors.order_get_for_user(user=request.user, pk=pk)
    form = PaymentForm(request.POST, instance=order)
    if form.is_valid():
        data = form.cleaned_data
        try:
            sales_services.order_payment_update(
                order=order,
                by=request.user,
                balance_method=data["balance_method"],
                deposit_amount=data.get("deposit_amount") or Decimal("0"),
                deposit_method=data.get("deposit_method") or "",
                deposit_not_online=data.get("deposit_not_online", False),
                delivery_date=data.get("delivery_date"),
                latest_delivery_date=data.get("latest_delivery_date"),
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("Règlement enregistré."))
            return redirect(reverse("opportunities:order_detail", args=[pk]) + "?onglet=reglement")
    order = selectors.order_get_for_user(user=request.user, pk=pk)
    return render(
        request,
        "opportunities/order_detail.html",
        _order_context(request, order, payment_form=form),
        status=400,
    )


def _order_modify(order, by, data):
    return sales_services.order_modify(order=order, by=by)


def _submitted(_order, order) -> str:
    if order.status == Order.Status.PENDING_VALIDATION:
        return _("Commande envoyée pour validation à votre responsable.")
    if order.status == Order.Status.ORDERED:
        return _("Commande validée.")
    return _("Commande envoyée.")


def _cancelled(_order, order) -> str:
    if order.status == Order.Status.PENDING_CANCELLATION:
        return _("Annulation demandée : un responsable doit la confirmer.")
    return _("Annulation enregistrée.")


def _reason(data) -> str:
    return data.get("reason") or ""  # the service cleans it (openflex.core.inputs.reason_clean)


# The actions of an order, by the name its transitions declare (``custom["action"]``).
ORDER_ACTIONS = {
    "submit": Action(
        lambda order, by, data: sales_services.order_submit(order=order, by=by), _submitted
    ),
    # The e-signature module creates and sends the request when the order enters
    # "en attente de e-signature"; it refuses (a message) without the signer's email/mobile.
    "esign": Action(
        lambda order, by, data: sales_services.order_submit(
            order=order, by=by, signature_mode=Order.SignatureMode.ELECTRONIC
        ),
        _("Bon de commande envoyé au client pour e-signature."),
    ),
    "validate": Action(
        lambda order, by, data: sales_services.order_validate(order=order, by=by),
        _("Commande validée."),
    ),
    "refuse": Action(
        lambda order, by, data: sales_services.order_refuse(
            order=order, by=by, reason=_reason(data)
        ),
        _("Commande refusée."),
    ),
    "cancel": Action(
        lambda order, by, data: sales_services.order_cancel(
            order=order, by=by, reason=_reason(data)
        ),
        _cancelled,
    ),
    "confirm_cancellation": Action(
        lambda order, by, data: sales_services.order_cancellation_confirm(order=order, by=by),
        _("Annulation confirmée."),
    ),
    "reject_cancellation": Action(
        lambda order, by, data: sales_services.order_cancellation_reject(
            order=order, by=by, reason=_reason(data)
        ),
        _("Annulation refusée : la commande reprend son cours."),
    ),
    "prepare": Action(
        lambda order, by, data: sales_services.order_prepare(order=order, by=by),
        _("Commande prête à livrer."),
    ),
    "deliver": Action(
        lambda order, by, data: sales_services.order_deliver(order=order, by=by),
        _("Commande livrée : le véhicule est sorti du stock."),
    ),
    "factory": Action(
        lambda order, by, data: sales_services.order_factory_ordered(order=order, by=by),
        _("Commande passée à l'usine."),
    ),
    "withdraw_modification": Action(
        lambda order, by, data: sales_services.order_modification_withdraw(order=order, by=by),
        _("Modification abandonnée."),
    ),
    "modify": Action(
        _order_modify,
        _("Modifiez l'offre puis passez la nouvelle commande : elle remplacera celle-ci."),
        goto=lambda order, offer: reverse("opportunities:offer_detail", args=[offer.pk]),
    ),
}


@rule_required(rules.works_on_sales)
@require_POST
def order_action(request: HttpRequest, pk: int, name: str = "") -> HttpResponse:
    """Every order action, from the order page or the lists (O-5, O-10): the name comes
    from the URL, or from the button pressed in a list row's form (``action``)."""
    order = selectors.order_get_for_user(user=request.user, pk=pk)
    back = safe_next(
        request,
        request.POST.get("next", ""),
        reverse("opportunities:order_detail", args=[pk]),
    )
    name = name or request.POST.get("action", "")
    return action_dispatch(request, order, ORDER_ACTIONS, name, back)
