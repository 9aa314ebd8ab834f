"""Pages of the sales journey: customers, opportunities, offers, orders (O-1 … O-6, O-9)."""

from decimal import Decimal

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers

from openflex.accounts.permissions import admin_required
from openflex.accounts.selectors import points_of_sale_for_user, user_is_platform_admin
from openflex.core.inputs import parse_id
from vehicles.selectors import vehicle_get_for_user

from . import packs, pricing, selectors, services
from .filters import OpportunityFilter, OrderFilter
from .forms import (
    AppointmentForm,
    CustomerChoiceForm,
    CustomerForm,
    FollowUpForm,
    LegalRepresentativeForm,
    OfferHeaderForm,
    OpportunityForm,
    PaymentForm,
    ReasonForm,
    SalespersonForm,
    SalesSettingsForm,
    VehicleChoiceForm,
)
from .models import (
    Appointment,
    Customer,
    Offer,
    OfferLine,
    Opportunity,
    Order,
    Product,
    SalesSettings,
)

PER_PAGE = 50


def add_errors(form, exc: ValidationError) -> None:
    """Put a service's errors next to the fields they name; the others above the form."""
    if hasattr(exc, "error_dict"):
        for name, errors in exc.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc)


def safe_next(request: HttpRequest, url: str, default: str) -> str:
    """A ``next``/``back`` target of this site only (no //evil.test, /\\evil.test, https://…)."""
    if url.startswith("/") and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return default


def _messages_of(exc: ValidationError) -> list[str]:
    return [str(m) for m in exc.messages]


def salespeople_for(point_of_sale_ids):
    from openflex.accounts.models import User

    return (
        User.objects.filter(
            is_active=True,
            groups__usergroup__type__in=["vendeur", "chef-des-ventes", "directeur"],
            points_of_sale__in=list(point_of_sale_ids),
        )
        .distinct()
        .order_by("last_name", "first_name")
    )


# --- Customers (O-2) ---------------------------------------------------------------------


@login_required
@require_GET
@vary_on_headers("HX-Request")
def customer_list(request: HttpRequest) -> HttpResponse:
    query = (request.GET.get("q") or "")[:100].replace("\x00", "")
    kind = request.GET.get("type") if request.GET.get("type") in Customer.Kind.values else ""
    qs = selectors.customer_search(user=request.user, query=query, kind=kind)
    page = Paginator(qs, PER_PAGE).get_page(request.GET.get("page"))
    template = "opportunities/customer_list.html"
    if request.htmx and not request.htmx.history_restore_request:
        template += "#results"
    return render(
        request,
        template,
        {"page": page, "q": query, "kind": kind, "kinds": Customer.Kind.choices},
    )


def _default_point_of_sale(user):
    return points_of_sale_for_user(user).order_by("name").first()


@login_required
@require_http_methods(["GET", "POST"])
def customer_create(request: HttpRequest) -> HttpResponse:
    pos = _default_point_of_sale(request.user)
    if pos is None:
        raise PermissionDenied(_("Vous n'êtes rattaché à aucun point de vente."))
    show_duplicate = request.method == "POST" and "allow_duplicate" in request.POST
    form = CustomerForm(
        request.POST or None,
        initial={"kind": Customer.Kind.PERSON},
        show_duplicate=show_duplicate,
    )
    duplicates = []
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "allow_duplicate"}
        try:
            customer = services.customer_create(
                by=request.user,
                point_of_sale=pos,
                allow_duplicate=form.cleaned_data.get("allow_duplicate", False),
                **data,
            )
        except ValidationError as exc:
            if getattr(exc, "code", None) == "duplicate":
                ids = exc.params["duplicates"]
                duplicates = list(
                    selectors.customer_queryset_for_user(request.user).filter(pk__in=ids)
                )
                form = CustomerForm(request.POST, show_duplicate=True)
                form.is_valid()
                form.add_error(None, exc)
            else:
                add_errors(form, exc)
        else:
            messages.success(request, _("Client créé."))
            next_url = request.POST.get("next", "")
            if next_url == "opportunity":
                return redirect(reverse("opportunities:create") + f"?client={customer.pk}")
            return redirect("opportunities:customer_detail", pk=customer.pk)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "opportunities/customer_form.html",
        {"form": form, "duplicates": duplicates, "next": request.GET.get("next", "")},
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def customer_edit(request: HttpRequest, pk: int) -> HttpResponse:
    customer = selectors.customer_get_for_user(user=request.user, pk=pk)
    form = CustomerForm(request.POST or None, instance=customer)
    if request.method == "POST" and form.is_valid():
        try:
            services.customer_update(customer=customer, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("Fiche client enregistrée."))
            return redirect("opportunities:customer_detail", pk=customer.pk)
    return render(
        request,
        "opportunities/customer_form.html",
        {"form": form, "customer": customer},
        status=400 if request.method == "POST" else 200,
    )


def _customer_context(request, customer, **forms):
    return {
        "customer": customer,
        "opportunities": selectors.opportunity_queryset_for_user(request.user)
        .filter(customer=customer)
        .select_related("salesperson")
        .order_by("-created_at")[:50],
        "represented": customer.represented_companies.all()[:20],
        "missing": services.legal_representative_missing(customer),
        "rep_form": forms.get("rep_form") or LegalRepresentativeForm(),
    }


@login_required
@require_GET
def customer_detail(request: HttpRequest, pk: int) -> HttpResponse:
    customer = selectors.customer_get_for_user(user=request.user, pk=pk)
    return render(
        request, "opportunities/customer_detail.html", _customer_context(request, customer)
    )


@login_required
@require_POST
def customer_representative(request: HttpRequest, pk: int) -> HttpResponse:
    """ "Créer ce client": the legal representative of a company (O-2)."""
    customer = selectors.customer_get_for_user(user=request.user, pk=pk)
    form = LegalRepresentativeForm(request.POST)
    if form.is_valid():
        try:
            services.legal_representative_create(
                company=customer, by=request.user, **form.cleaned_data
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("Représentant légal créé et lié à la société."))
            return redirect(
                safe_next(
                    request,
                    request.POST.get("back", ""),
                    reverse("opportunities:customer_detail", args=[pk]),
                )
            )
    customer.refresh_from_db()
    return render(
        request,
        "opportunities/customer_detail.html",
        _customer_context(request, customer, rep_form=form),
        status=400,
    )


# --- Opportunities (O-1, O-9) ----------------------------------------------------------


@login_required
@require_GET
@vary_on_headers("HX-Request")
def opportunity_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    base = selectors.opportunity_list(user=user)
    filterset = OpportunityFilter(request.GET or None, queryset=base, user=user)
    qs = filterset.qs if filterset.is_bound and filterset.is_valid() else base
    page = Paginator(qs, PER_PAGE).get_page(request.GET.get("page"))
    template = "opportunities/opportunity_list.html"
    if request.htmx and not request.htmx.history_restore_request:
        template += "#results"
    return render(request, template, {"filter": filterset, "page": page})


@login_required
@require_http_methods(["GET", "POST"])
def opportunity_create(request: HttpRequest) -> HttpResponse:
    user = request.user
    pos_qs = points_of_sale_for_user(user).order_by("name")
    if not pos_qs.exists():
        raise PermissionDenied(_("Vous n'êtes rattaché à aucun point de vente."))
    customer_id = parse_id(request.GET.get("client"))
    initial = {"salesperson": user.pk, "point_of_sale": pos_qs.first()}
    if customer_id:
        initial["customer"] = customer_id
    form = OpportunityForm(
        request.POST or None,
        initial=initial,
        customers=selectors.customer_queryset_for_user(user),
        salespeople=salespeople_for(pos_qs.values_list("pk", flat=True))
        if selectors.user_sees_point_of_sale_opportunities(user)
        else get_user_model().objects.filter(pk=user.pk),
        points_of_sale=pos_qs,
    )
    if request.method == "POST" and form.is_valid():
        try:
            opportunity = services.opportunity_create(by=user, **form.cleaned_data)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("Opportunité créée."))
            return redirect("opportunities:detail", pk=opportunity.pk)
    customer = None
    if customer_id:
        customer = selectors.customer_queryset_for_user(user).filter(pk=customer_id).first()
    return render(
        request,
        "opportunities/opportunity_form.html",
        {"form": form, "customer": customer},
        status=400 if request.method == "POST" else 200,
    )


TABS = {
    "offres": _("Offres"),
    "commandes": _("Commandes"),
    "rdv": _("Rendez-vous"),
    "historique": _("Historique"),
}


def _opportunity_context(request, opportunity, **forms):
    tab = request.GET.get("onglet") or forms.pop("tab", None) or "offres"
    if tab not in TABS:
        tab = "offres"
    can_manage = selectors.user_sees_point_of_sale_opportunities(request.user)
    return {
        "opportunity": opportunity,
        "customer": opportunity.customer,
        "tab": tab,
        "tabs": TABS,
        "offers": selectors.opportunity_offers(opportunity=opportunity),
        "orders": selectors.opportunity_orders(opportunity=opportunity),
        "appointments": selectors.opportunity_appointments(opportunity=opportunity),
        "events": selectors.opportunity_events(opportunity=opportunity)[:200],
        "is_open": opportunity.status == Opportunity.Status.OPEN,
        "salesperson_form": forms.get("salesperson_form")
        or (
            SalespersonForm(
                initial={"salesperson": opportunity.salesperson_id},
                salespeople=salespeople_for([opportunity.point_of_sale_id]),
            )
            if can_manage
            else None
        ),
        "follow_up_form": forms.get("follow_up_form") or FollowUpForm(),
        "meeting_form": forms.get("meeting_form")
        or AppointmentForm(initial={"kind": Appointment.Kind.MEETING}, prefix="rdv"),
        "test_drive_form": forms.get("test_drive_form")
        or AppointmentForm(initial={"kind": Appointment.Kind.TEST_DRIVE}, prefix="essai"),
        "offer_form": forms.get("offer_form") or VehicleChoiceForm(prefix="offre"),
        "abandon_form": forms.get("abandon_form") or ReasonForm(prefix="abandon"),
        "open_panel": forms.get("open_panel", ""),
    }


@login_required
@require_GET
def opportunity_detail(request: HttpRequest, pk: int) -> HttpResponse:
    opportunity = selectors.opportunity_get_for_user(user=request.user, pk=pk)
    return render(
        request, "opportunities/opportunity_detail.html", _opportunity_context(request, opportunity)
    )


def _opportunity_rerender(request, opportunity, **forms):
    opportunity = selectors.opportunity_get_for_user(user=request.user, pk=opportunity.pk)
    return render(
        request,
        "opportunities/opportunity_detail.html",
        _opportunity_context(request, opportunity, **forms),
        status=400,
    )


@login_required
@require_POST
def opportunity_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """The actions of the opportunity page; each binds its form and calls its service."""
    user = request.user
    opportunity = selectors.opportunity_get_for_user(user=user, pk=pk)
    back = redirect("opportunities:detail", pk=pk)
    if action == "salesperson":
        if not selectors.user_sees_point_of_sale_opportunities(user):
            raise PermissionDenied
        form = SalespersonForm(
            request.POST, salespeople=salespeople_for([opportunity.point_of_sale_id])
        )
        if form.is_valid():
            try:
                services.opportunity_salesperson_change(
                    opportunity=opportunity, salesperson=form.cleaned_data["salesperson"], by=user
                )
            except ValidationError as exc:
                add_errors(form, exc)
            else:
                messages.success(request, _("Vendeur modifié."))
                return back
        return _opportunity_rerender(
            request, opportunity, salesperson_form=form, open_panel="salesperson"
        )
    if action == "relance":
        form = FollowUpForm(request.POST)
        if form.is_valid():
            try:
                services.opportunity_follow_up(
                    opportunity=opportunity, by=user, message=form.cleaned_data["message"]
                )
            except ValidationError as exc:
                add_errors(form, exc)
            else:
                messages.success(request, _("Relance envoyée au client."))
                return back
        return _opportunity_rerender(
            request, opportunity, follow_up_form=form, open_panel="relance"
        )
    if action in ("rdv", "essai"):
        form = AppointmentForm(request.POST, prefix=action)
        if form.is_valid():
            vehicle = None
            number = form.cleaned_data.get("vehicle")
            try:
                if number:
                    try:
                        vehicle = vehicle_get_for_user(user=user, number=number)
                    except Http404:
                        raise ValidationError(
                            {"vehicle": _("Aucun véhicule de votre stock ne porte ce numéro.")}
                        ) from None
                services.appointment_create(
                    opportunity=opportunity,
                    by=user,
                    kind=Appointment.Kind.TEST_DRIVE
                    if action == "essai"
                    else Appointment.Kind.MEETING,
                    starts_at=form.cleaned_data["starts_at"],
                    vehicle=vehicle,
                    note=form.cleaned_data["note"],
                )
            except ValidationError as exc:
                add_errors(form, exc)
            else:
                messages.success(request, _("Rendez-vous planifié."))
                return redirect(reverse("opportunities:detail", args=[pk]) + "?onglet=rdv")
        key = "test_drive_form" if action == "essai" else "meeting_form"
        return _opportunity_rerender(
            request, opportunity, **{key: form, "open_panel": action, "tab": "rdv"}
        )
    if action == "offre":
        form = VehicleChoiceForm(request.POST, prefix="offre")
        if form.is_valid():
            try:
                try:
                    vehicle = vehicle_get_for_user(user=user, number=form.cleaned_data["vehicle"])
                except Http404:
                    raise ValidationError(
                        {"vehicle": _("Aucun véhicule de votre stock ne porte ce numéro.")}
                    ) from None
                offer = services.offer_create(opportunity=opportunity, vehicle=vehicle, by=user)
            except ValidationError as exc:
                add_errors(form, exc)
            else:
                return redirect("opportunities:offer_detail", pk=offer.pk)
        return _opportunity_rerender(request, opportunity, offer_form=form, open_panel="offre")
    if action == "abandon":
        form = ReasonForm(request.POST, prefix="abandon")
        if form.is_valid():
            try:
                services.opportunity_abandon(
                    opportunity=opportunity, by=user, reason=form.cleaned_data["reason"]
                )
            except ValidationError as exc:
                add_errors(form, exc)
            else:
                messages.success(request, _("Opportunité abandonnée."))
                return back
        return _opportunity_rerender(request, opportunity, abandon_form=form, open_panel="abandon")
    raise Http404


# --- Offers (O-3, O-4, V-10) -----------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def offer_for_vehicle(request: HttpRequest, number: int) -> HttpResponse:
    """ "Faire une offre" from the vehicle page: choose the customer (O-9: a test-drive
    opportunity of that customer on this vehicle is reused)."""
    vehicle = vehicle_get_for_user(user=request.user, number=number)
    form = CustomerChoiceForm(request.POST or None)
    query = (request.GET.get("q") or "")[:100].replace("\x00", "")
    customers = selectors.customer_search(user=request.user, query=query)[:20] if query else []
    if request.method == "POST" and form.is_valid():
        customer = (
            selectors.customer_queryset_for_user(request.user)
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
        "live_orders": live_orders,
        "can_order": offer.status == Offer.Status.VALIDATED and not live_orders,
        "can_act": offer.opportunity.status == Opportunity.Status.OPEN,
        "user_is_admin": user_is_platform_admin(user),
    }


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
        element_lines = []
        if pack is not None:
            elements = list(pack.elements.all())
            if not elements:
                element_lines.append(pricing.Line("pack", pack.name, pack.price))
            element_lines += [
                pricing.Line("pack", e.label, e.price) for e in elements if e.pk in pack_elements
            ]
        data = form.cleaned_data
        totals = pricing.compute(
            vehicle_price=data["vehicle_price"],
            lines=[pricing.Line(k, label, a) for k, label, a, _p in lines] + element_lines,
            administrative_fees=data.get("administrative_fees") or Decimal("0"),
            trade_in_value=data.get("trade_in_value") or Decimal("0"),
            deposit=data.get("deposit") or Decimal("0"),
        )
        for name, message in pricing.errors(totals).items():
            form.add_error(name if name in form.fields else None, message)
    return form, rows, lines, pack, pack_elements, totals


@login_required
@require_http_methods(["GET", "POST"])
@vary_on_headers("HX-Request")
def offer_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The offer builder (O-3): every total recomputed on the server as lines change."""
    offer = selectors.offer_get_for_user(user=request.user, pk=pk)
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


@login_required
@require_POST
def offer_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    offer = selectors.offer_get_for_user(user=request.user, pk=pk)
    user = request.user
    try:
        if action == "valider":
            services.offer_validate(offer=offer, by=user)
            messages.success(request, _("Offre validée : le client l'a acceptée."))
        elif action == "annuler":
            services.offer_cancel(offer=offer, by=user, reason=request.POST.get("reason", ""))
            messages.success(request, _("Offre annulée."))
        elif action == "dupliquer":
            copy = services.offer_duplicate(offer=offer, by=user)
            messages.success(request, _("Offre dupliquée."))
            return redirect("opportunities:offer_detail", pk=copy.pk)
        elif action == "modifier":
            copy = services.offer_modify(offer=offer, by=user)
            if copy.pk != offer.pk:
                messages.info(
                    request, _("L'offre validée est annulée ; voici sa nouvelle version.")
                )
            return redirect("opportunities:offer_detail", pk=copy.pk)
        elif action == "commander":
            order = services.order_create(offer=offer, by=user)
            messages.success(request, _("Commande créée : complétez le règlement puis validez."))
            return redirect(
                reverse("opportunities:order_detail", args=[order.pk]) + "?onglet=reglement"
            )
        else:
            raise Http404
    except ValidationError as exc:
        for message in _messages_of(exc):
            messages.error(request, message)
    return redirect("opportunities:offer_detail", pk=offer.pk)


# --- Orders (O-5, O-6, O-10) -----------------------------------------------------------


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
    decider = services.user_can_validate_orders(user)
    for order in rows:
        order.quick_actions = services.order_quick_actions(
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
        "actions": services.order_actions(order, request.user),
        "blockers": services.order_submit_blockers(order)
        if order.status == Order.Status.DRAFT
        else [],
        "missing": services.legal_representative_missing(order.opportunity.customer),
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
            services.order_payment_update(
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
    "submit": lambda order, by, reason: services.order_submit(order=order, by=by),
    "validate": lambda order, by, reason: services.order_validate(order=order, by=by),
    "refuse": lambda order, by, reason: services.order_refuse(order=order, by=by, reason=reason),
    "cancel": lambda order, by, reason: services.order_cancel(order=order, by=by, reason=reason),
    "confirm_cancellation": lambda order, by, reason: services.order_cancellation_confirm(
        order=order, by=by
    ),
    "reject_cancellation": lambda order, by, reason: services.order_cancellation_reject(
        order=order, by=by, reason=reason
    ),
    "prepare": lambda order, by, reason: services.order_prepare(order=order, by=by),
    "deliver": lambda order, by, reason: services.order_deliver(order=order, by=by),
    "factory": lambda order, by, reason: services.order_factory_ordered(order=order, by=by),
    "withdraw_modification": lambda order, by, reason: services.order_modification_withdraw(
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
            offer = services.order_modify(order=order, by=request.user)
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


# --- Settings (ORG-5) --------------------------------------------------------------------


@admin_required
@require_http_methods(["GET", "POST"])
def sales_settings(request: HttpRequest) -> HttpResponse:
    current = SalesSettings.current()
    form = SalesSettingsForm(request.POST or None, instance=current)
    if request.method == "POST" and form.is_valid():
        services.sales_settings_update(by=request.user, **form.cleaned_data)
        messages.success(request, _("Paramètres enregistrés."))
        return redirect("opportunities:sales_settings")
    return render(
        request,
        "opportunities/sales_settings.html",
        {"form": form},
        status=400 if request.method == "POST" else 200,
    )
