"""Offer pages and the offer builder (O-3, O-4, V-10)."""

from decimal import Decimal

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers

from openflex.accounts import rules
from openflex.accounts.permissions import rule_required
from openflex.accounts.selectors import user_is_platform_admin
from openflex.core.inputs import parse_id
from opportunities.customers import selectors as customers_selectors
from opportunities.customers.views import _default_point_of_sale
from opportunities.products import packs
from opportunities.products.models import Product
from opportunities.sales import actions as sales_actions
from opportunities.sales import offer_panels, pricing, rights, services
from opportunities.sales import selectors as sales_selectors
from opportunities.sales.forms import (
    CustomerChoiceForm,
    OfferHeaderForm,
)
from opportunities.sales.models import (
    Offer,
    OfferLine,
    Order,
)
from opportunities.sales.views.common import Action, action_dispatch, add_errors
from vehicles.selectors import vehicle_get_for_user


@rule_required(rules.can_sell)
@require_http_methods(["GET", "POST"])
def offer_for_vehicle(request: HttpRequest, number: int) -> HttpResponse:
    """ "Faire une offre" from the vehicle page: choose the customer (O-9: a test-drive
    opportunity of that customer on this vehicle is reused)."""
    vehicle = vehicle_get_for_user(user=request.user, number=number)
    form = CustomerChoiceForm(request.POST or None)
    query = (request.GET.get("q") or "")[:100].replace("\x00", "")
    customers = (
        customers_selectors.customer_search(user=request.user, query=query)[:20] if query else []
    )
    if request.method == "POST" and form.is_valid():
        customer = (
            customers_selectors.customer_queryset_for_user(request.user)
            .filter(pk=form.cleaned_data["customer"])
            .first()
        )
        if customer is None:
            form.add_error("customer", _("Client introuvable."))
        else:
            try:
                offer = services.offer_create(
                    vehicle=vehicle,
                    customer=customer,
                    by=request.user,
                    point_of_sale=_default_point_of_sale(request.user),
                )
            except ValidationError as exc:
                add_errors(form, exc)
            else:
                return redirect("opportunities:offer_detail", pk=offer.pk)
    return render(
        request,
        "opportunities/offer_for_vehicle.html",
        {"vehicle": vehicle, "form": form, "q": query, "customers": customers},
        status=400 if request.method == "POST" else 200,
    )


LINE_KINDS = [OfferLine.Kind.ADVANTAGE, OfferLine.Kind.ACCESSORY, OfferLine.Kind.SERVICE]


class LineRow:
    def __init__(self, kind, label="", amount="", product_id="", error=""):
        self.kind, self.label, self.amount, self.product_id, self.error = (
            kind,
            label,
            amount,
            product_id,
            error,
        )


def _posted_lines(data, products: dict[int, Product]):
    """The builder's lines from parallel lists; (rows to show again, parsed lines, error)."""
    rows, lines, error = [], [], ""
    kinds, labels = data.getlist("line_kind"), data.getlist("line_label")
    amounts, product_ids = data.getlist("line_amount"), data.getlist("line_product")
    for i, kind in enumerate(kinds[:60]):
        label = (labels[i] if i < len(labels) else "").strip()[:120]
        raw = amounts[i] if i < len(amounts) else ""
        product = products.get(parse_id(product_ids[i] if i < len(product_ids) else "") or 0)
        if kind not in LINE_KINDS:
            continue
        if not label and not str(raw).strip():
            continue  # an empty row
        row = LineRow(kind, label, raw, product.pk if product else "")
        try:
            amount = pricing.parse_amount(raw)
            if amount < 0:
                raise ValueError
        except ValueError:
            row.error = _("Montant invalide.")
            error = _("Corrigez les montants des lignes.")
        else:
            if not label:
                row.error = _("Indiquez un libellé.")
                error = _("Chaque ligne a un libellé.")
            elif "\x00" in label:  # PostgreSQL refuses NUL bytes: a message, not a 500
                row.error = _("Ce libellé contient un caractère invalide.")
                error = _("Corrigez les libellés des lignes.")
            elif amount > pricing.MAX_AMOUNT:
                row.error = _("Montant non plausible.")
                error = _("Corrigez les montants des lignes.")
            else:
                lines.append((kind, label, amount, product))
        rows.append(row)
    add = data.get("add_product")
    if add and parse_id(add) in products:
        product = products[parse_id(add)]
        rows.append(LineRow(product.kind, product.name, str(product.price), product.pk))
        lines.append((product.kind, product.name, product.price, product))
    add_kind = data.get("add_line")
    if add_kind in LINE_KINDS:
        rows.append(LineRow(add_kind))
    return rows, lines, error


def _builder_products():
    return {
        p.pk: p for p in Product.objects.exclude(kind=Product.Kind.PACK).order_by("kind", "name")
    }


def _offer_context(
    request, offer, *, form=None, rows=None, preview=None, pack=None, pack_elements=None
):
    lines = list(offer.lines.all())
    compatible = packs.compatible_packs(offer.vehicle)
    if offer.pack_id and all(p.pk != offer.pack_id for p in compatible):
        compatible.append(offer.pack)  # a pack chosen earlier that no longer fits stays visible
    if rows is None:
        rows = [
            LineRow(line.kind, line.label, line.amount, line.product_id or "")
            for line in lines
            if line.kind != OfferLine.Kind.PACK
        ]
    if pack is None and form is None:
        pack = offer.pack
    if pack_elements is None:
        pack_elements = {line.pack_element_id for line in lines if line.kind == OfferLine.Kind.PACK}
    totals = preview if form is not None else services.offer_totals(offer, lines)
    products = _builder_products()
    user = request.user
    is_open = offer.status == Offer.Status.OPEN
    live_orders = [
        o
        for o in offer.orders.all()
        if o.status not in (Order.Status.CANCELLED, Order.Status.REFUSED, Order.Status.REPLACED)
    ]
    show_ht = (
        form.cleaned_data.get("show_ht")
        if form is not None and form.is_bound and hasattr(form, "cleaned_data")
        else offer.show_ht
    )
    return {
        "offer": offer,
        "opportunity": offer.opportunity,
        "vehicle": offer.vehicle,
        "form": form
        or OfferHeaderForm(
            initial={
                "vehicle_price": offer.vehicle_price,
                "administrative_fees": offer.administrative_fees,
                "empty_weight": offer.empty_weight,
                "trade_in_value": offer.trade_in_value,
                "deposit": offer.deposit,
                "show_ht": "1" if offer.show_ht else "0",
                "pack": offer.pack_id,
            }
        ),
        "rows": rows,
        "line_kinds": [(k, OfferLine.Kind(k).label) for k in LINE_KINDS],
        "products": products.values(),
        "packs": compatible,
        "pack": pack,
        "pack_elements": pack_elements,
        "totals": totals,
        "show_ht": bool(show_ht),
        "is_open": is_open,
        "lines": lines,
        # A decided offer shows its pack's lines in the pack card and the others in their
        # own card, left out when there are none (#13: no empty box).
        "pack_lines": [line for line in lines if line.kind == OfferLine.Kind.PACK],
        "other_lines": [line for line in lines if line.kind != OfferLine.Kind.PACK],
        "live_orders": live_orders,
        "vehicle_notices": services.offer_vehicle_notices(offer=offer),
        "actions": _with_confirmations(offer, sales_actions.available_actions(offer, user)),
        "offer_panels": offer_panels.panels_render_context(request, offer),
        "can_act": rights.offer_may_act(offer, user),
        "user_is_admin": user_is_platform_admin(user),
    }


# "Dupliquer" and "Modifier" of an offer waiting for an e-signature ask for a confirmation
# first, which says what they undo (offer_panels guards, S-4).
CONFIRMED_ACTIONS = ("dupliquer", "modifier")


def _with_confirmations(offer, actions: list[dict]) -> list[dict]:
    warnings = offer_panels.offer_change_warnings(offer) if actions else []
    for action in actions:
        if warnings and action["name"] in CONFIRMED_ACTIONS:
            action["confirm"] = " ".join(warnings)
    return actions


def _builder_input(request, offer):
    """Bind the builder: (form, rows, lines, pack, pack elements, totals or None)."""
    form = OfferHeaderForm(request.POST)
    products = _builder_products()
    rows, lines, line_error = _posted_lines(request.POST, products)
    pack = None
    pack_elements: set[int] = set()
    valid = form.is_valid()
    if valid and form.cleaned_data.get("pack"):
        pack = (
            Product.objects.filter(kind=Product.Kind.PACK, pk=form.cleaned_data["pack"])
            .prefetch_related("elements")
            .first()
        )
        if pack is None:
            form.add_error(None, _("Ce pack n'existe plus."))
            valid = False
    if pack is not None:
        changed_pack = str(pack.pk) != request.POST.get("previous_pack", "")
        chosen = {parse_id(v) for v in request.POST.getlist("pack_element")}
        pack_elements = (
            {e.pk for e in pack.elements.all()}
            if changed_pack
            else {e.pk for e in pack.elements.all() if e.pk in chosen}
        )
    if line_error:
        form.add_error(None, line_error)
        valid = False
    totals = None
    if valid:
        data = form.cleaned_data
        totals = pricing.compute(
            vehicle_price=data["vehicle_price"],
            lines=[pricing.Line(k, label, a) for k, label, a, _p in lines]
            + packs.pack_pricing_lines(pack, keep=pack_elements),
            administrative_fees=data.get("administrative_fees") or Decimal("0"),
            trade_in_value=data.get("trade_in_value") or Decimal("0"),
            deposit=data.get("deposit") or Decimal("0"),
            vat_regime=offer.vehicle.vat_regime,
        )
        for name, message in pricing.errors(totals).items():
            form.add_error(name if name in form.fields else None, message)
    return form, rows, lines, pack, pack_elements, totals


@rule_required(rules.works_on_sales)
@require_http_methods(["GET", "POST"])
@vary_on_headers("HX-Request")
def offer_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The offer builder (O-3): every total recomputed on the server as lines change."""
    offer = sales_selectors.offer_get_for_user(user=request.user, pk=pk)
    if request.method == "GET":
        return render(request, "opportunities/offer_detail.html", _offer_context(request, offer))
    form, rows, lines, pack, pack_elements, totals = _builder_input(request, offer)
    recalc = "save" not in request.POST
    if not recalc and form.is_valid() and totals is not None:
        data = form.cleaned_data
        try:
            services.offer_update(
                offer=offer,
                by=request.user,
                vehicle_price=data["vehicle_price"],
                administrative_fees=data.get("administrative_fees") or Decimal("0"),
                empty_weight=data.get("empty_weight"),
                trade_in_value=data.get("trade_in_value") or Decimal("0"),
                deposit=data.get("deposit") or Decimal("0"),
                show_ht=bool(data.get("show_ht")),
                pack=pack,
                pack_elements=pack_elements,
                lines=lines,
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("Offre enregistrée."))
            return redirect("opportunities:offer_detail", pk=offer.pk)
    context = _offer_context(
        request, offer, form=form, rows=rows, preview=totals, pack=pack, pack_elements=pack_elements
    )
    if request.htmx and recalc:
        return render(request, "opportunities/offer_detail.html#builder", context)
    return render(
        request,
        "opportunities/offer_detail.html",
        context,
        status=200 if recalc and form.is_valid() else 400,
    )


def _revised(offer, copy) -> str:
    if copy.pk != offer.pk:
        return _("L'offre validée est annulée ; voici sa nouvelle version.")
    return ""


def _offer_page(offer, result) -> str:
    return reverse("opportunities:offer_detail", args=[result.pk])


# The actions of an offer, by the name its transitions declare (``custom["action"]``).
OFFER_ACTIONS = {
    "valider": Action(
        lambda offer, by, data: services.offer_validate(offer=offer, by=by),
        _("Offre validée : le client l'a acceptée."),
    ),
    "annuler": Action(
        lambda offer, by, data: services.offer_cancel(
            offer=offer, by=by, reason=data.get("reason", "")
        ),
        _("Offre annulée."),
    ),
    # An offer waiting for an e-signature: the page asks for a confirmation first
    # (``confirm``), the service refuses without it (offer_panels guards, S-4).
    "dupliquer": Action(
        lambda offer, by, data: services.offer_duplicate(
            offer=offer, by=by, confirmed=data.get("confirm") == "1"
        ),
        _("Offre dupliquée."),
        goto=_offer_page,
    ),
    "modifier": Action(
        lambda offer, by, data: services.offer_modify(
            offer=offer, by=by, confirmed=data.get("confirm") == "1"
        ),
        _revised,
        goto=_offer_page,
    ),
    "commander": Action(
        lambda offer, by, data: services.order_create(offer=offer, by=by),
        _("Commande créée : complétez le règlement puis validez."),
        goto=lambda offer, order: (
            reverse("opportunities:order_detail", args=[order.pk]) + "?onglet=reglement"
        ),
    ),
}


@rule_required(rules.can_sell)
@require_POST
def offer_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    offer = sales_selectors.offer_get_for_user(user=request.user, pk=pk)
    if action not in OFFER_ACTIONS:
        raise Http404
    back = reverse("opportunities:offer_detail", args=[offer.pk])
    return action_dispatch(request, offer, OFFER_ACTIONS, action, back)
