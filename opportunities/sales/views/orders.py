"""Order pages: list, detail, payment tab and actions (O-5, O-6, O-10)."""

from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from django.views.decorators.vary import vary_on_headers

from opportunities.customers import services as customers_services
from opportunities.customers.forms import LegalRepresentativeForm
from opportunities.sales import actions as sales_actions
from opportunities.sales import selectors
from opportunities.sales import services as sales_services
from opportunities.sales.filters import OrderFilter
from opportunities.sales.forms import (
    PaymentForm,
)
from opportunities.sales.models import (
    Order,
)
from opportunities.sales.views.common import PER_PAGE, _messages_of, add_errors, safe_next


@login_required
@require_GET
@vary_on_headers("HX-Request")
def order_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    base = selectors.order_list(user=user)
    filterset = OrderFilter(request.GET or None, queryset=base, user=user)
    qs = (
        filterset.qs
        if filterset.is_bound and filterset.is_valid()
        else base.order_by("-created_at", "-pk")
    )
    page = Paginator(qs, PER_PAGE).get_page(request.GET.get("page"))
    rows = list(page.object_list)
    pos_ids = {p.pk for p in user.points_of_sale.all()}
    decider = sales_services.user_can_validate_orders(user)
    for order in rows:
        order.quick_actions = sales_actions.order_quick_actions(
            order, user, decider=decider, pos_ids=pos_ids
        )
    template = "opportunities/order_list.html"
    if request.htmx and not request.htmx.history_restore_request:
        template += "#results"
    return render(request, template, {"filter": filterset, "page": page, "rows": rows})


ORDER_TABS = {"resume": _("Résumé"), "reglement": _("Règlement"), "historique": _("Historique")}


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
        "totals": {k: Decimal(v) for k, v in snapshot.get("totals", {}).items()},
        "lines": [
            {**line, "amount": Decimal(line["amount"]), "amount_ht": Decimal(line["amount_ht"])}
            for line in snapshot.get("lines", [])
        ],
        "tab": tab,
        "tabs": ORDER_TABS,
        "actions": sales_actions.order_actions(order, request.user),
        "blockers": sales_services.order_submit_blockers(order)
        if order.status == Order.Status.DRAFT
        else [],
        "missing": customers_services.legal_representative_missing(order.opportunity.customer),
        "payment_form": payment_form or PaymentForm(instance=order),
        "payment_editable": order.status == Order.Status.DRAFT,
        "balance": Decimal(snapshot["totals"]["net_to_pay"]) - order.deposit_amount,
        "events": selectors.order_events(order=order)[:200],
        "reason_errors": reason_errors or {},
        "rep_form": LegalRepresentativeForm(),
    }


@login_required
@require_GET
def order_detail(request: HttpRequest, pk: int) -> HttpResponse:
    order = selectors.order_get_for_user(user=request.user, pk=pk)
    return render(request, "opportunities/order_detail.html", _order_context(request, order))


@login_required
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


ORDER_ACTIONS = {
    "submit": lambda order, by, reason: sales_services.order_submit(order=order, by=by),
    "validate": lambda order, by, reason: sales_services.order_validate(order=order, by=by),
    "refuse": lambda order, by, reason: sales_services.order_refuse(
        order=order, by=by, reason=reason
    ),
    "cancel": lambda order, by, reason: sales_services.order_cancel(
        order=order, by=by, reason=reason
    ),
    "confirm_cancellation": lambda order, by, reason: sales_services.order_cancellation_confirm(
        order=order, by=by
    ),
    "reject_cancellation": lambda order, by, reason: sales_services.order_cancellation_reject(
        order=order, by=by, reason=reason
    ),
    "prepare": lambda order, by, reason: sales_services.order_prepare(order=order, by=by),
    "deliver": lambda order, by, reason: sales_services.order_deliver(order=order, by=by),
    "factory": lambda order, by, reason: sales_services.order_factory_ordered(order=order, by=by),
    "withdraw_modification": lambda order, by, reason: sales_services.order_modification_withdraw(
        order=order, by=by
    ),
}


DONE = {
    "submit": _("Commande envoyée."),
    "validate": _("Commande validée."),
    "refuse": _("Commande refusée."),
    "cancel": _("Annulation enregistrée."),
    "confirm_cancellation": _("Annulation confirmée."),
    "reject_cancellation": _("Annulation refusée : la commande reprend son cours."),
    "prepare": _("Commande prête à livrer."),
    "deliver": _("Commande livrée : le véhicule est sorti du stock."),
    "factory": _("Commande passée à l'usine."),
    "withdraw_modification": _("Modification abandonnée."),
}


@login_required
@require_POST
def order_action(request: HttpRequest, pk: int) -> HttpResponse:
    """Every order transition from the order page or the lists (O-5, O-10)."""
    order = selectors.order_get_for_user(user=request.user, pk=pk)
    action = request.POST.get("action", "")
    next_url = safe_next(
        request,
        request.POST.get("next", ""),
        reverse("opportunities:order_detail", args=[pk]),
    )
    if action == "modify":
        try:
            offer = sales_services.order_modify(order=order, by=request.user)
        except ValidationError as exc:
            for message in _messages_of(exc):
                messages.error(request, message)
            return redirect(next_url)
        messages.info(
            request,
            _("Modifiez l'offre puis passez la nouvelle commande : elle remplacera celle-ci."),
        )
        return redirect("opportunities:offer_detail", pk=offer.pk)
    handler = ORDER_ACTIONS.get(action)
    if handler is None:
        messages.error(request, _("Action inconnue."))
        return redirect(next_url)
    reason = (request.POST.get("reason") or "").strip()[:500]
    try:
        order = handler(order, request.user, reason)
    except PermissionDenied as exc:
        messages.error(request, str(exc) or _("Vous n'avez pas le droit de faire cela."))
    except ValidationError as exc:
        for message in _messages_of(exc):
            messages.error(request, message)
    else:
        done = DONE[action]
        if action == "submit" and order.status == Order.Status.PENDING_VALIDATION:
            done = _("Commande envoyée pour validation à votre responsable.")
        elif action == "submit" and order.status == Order.Status.ORDERED:
            done = _("Commande validée.")
        elif action == "cancel" and order.status == Order.Status.PENDING_CANCELLATION:
            done = _("Annulation demandée : un responsable doit la confirmer.")
        messages.success(request, done)
    return redirect(next_url)
