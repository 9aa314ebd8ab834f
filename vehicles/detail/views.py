"""The vehicle page (V-1 … V-3, V-7, V-9, V-12, V-14, V-15) and the actions it posts;
creating and editing a vehicle's record."""

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_fsm import TransitionNotAllowed

from openflex.accounts import rules
from openflex.accounts.permissions import right_required, rule_required
from openflex.accounts.selectors import points_of_sale_for_user

from .. import lifeline, panels, selectors, services
from ..approvals.forms import DecisionForm
from ..delays import selectors as delays
from ..models import Auction, OwnershipTransfer, PriceChange
from .forms import (
    AuctionCloseForm,
    AuctionForm,
    OptionForm,
    PriceForm,
    StatusChangeForm,
    TransferForm,
    VehicleCreateForm,
    VehicleForm,
)

CONFIGURE = services.VEHICLE_CONFIGURATION


def _detail_context(request, vehicle, **forms):
    line = lifeline.lifeline_for(vehicle.destination)
    moves = lifeline.allowed_moves(vehicle, line)
    changes = list(selectors.vehicle_status_changes(vehicle=vehicle))
    reached = {}
    for change in changes:
        reached[change.to_status] = change
    sellable = lifeline.sellable_status_codes()
    can_configure = rules.can_configure_vehicles(request.user)
    pending_transfer = (
        vehicle.transfers.filter(status=OwnershipTransfer.Status.TO_VALIDATE)
        .select_related("from_point_of_sale", "to_point_of_sale")
        .first()
    )
    auctions = list(vehicle.auctions.all()[:10])
    max_days = delays.max_days_for(delays.delay_rules(), vehicle)
    late_since = (
        vehicle.status_changed_at + timedelta(days=max_days) if max_days is not None else None
    )
    snoozed = bool(
        vehicle.delay_snoozed_until and vehicle.delay_snoozed_until >= timezone.localdate()
    )
    context = {
        "vehicle": vehicle,
        "line": [
            {"status": s, "change": reached.get(s.code), "current": s.code == vehicle.status}
            for s in line
        ],
        "status_label": {s.code: s.label for s in line}.get(vehicle.status, vehicle.status),
        "status_changes": changes,
        # Page flags are prefixed: a bare "can_configure" shadowed the header's own flag.
        "vehicle_can_configure": can_configure,
        "status_form": forms.get("status_form") or StatusChangeForm(moves=moves),
        "price_form": forms.get("price_form")
        or PriceForm(
            vehicle=vehicle,
            initial={
                "selling_price": vehicle.selling_price,
                "catalogue_price": vehicle.catalogue_price,
                "discount": vehicle.discount,
                "staff_price": vehicle.staff_price,
            },
        ),
        "option_form": forms.get("option_form") or OptionForm(),
        "transfer_form": forms.get("transfer_form") or TransferForm(vehicle=vehicle),
        "auction_form": forms.get("auction_form") or AuctionForm(),
        "auction_close_form": AuctionCloseForm(),
        "options": vehicle.options.all(),
        "price_changes": selectors.vehicle_price_changes(vehicle=vehicle)[:20],
        "events": selectors.vehicle_events(vehicle=vehicle)[:100],
        "criteria": services.publication_criteria(vehicle, sellable),
        "days_since_price": (
            timezone.localdate() - timezone.localtime(vehicle.price_reset_at).date()
        ).days,
        "pending_transfer": pending_transfer,
        "can_decide_transfer": pending_transfer is not None
        and services.transfer_can_decide(request.user, pending_transfer),
        "decision_form": forms.get("decision_form") or DecisionForm(),
        "transfers": vehicle.transfers.select_related(
            "from_point_of_sale", "to_point_of_sale", "requested_by", "decided_by"
        )[:10],
        "auctions": auctions,
        "open_auction": next((a for a in auctions if a.status in ("planifiee", "en_cours")), None),
        "delay": {
            "max_days": max_days,
            "late_since": late_since,
            "days_late": delays.days_late(late_since) if late_since else None,
            "is_late": bool(late_since and late_since < timezone.now())
            and not vehicle.delay_alerts_off
            and not snoozed,
            "snoozed": snoozed,
        },
        "panels": [{"panel": p, "context": p.context(request, vehicle)} for p in panels.panels()],
    }
    return context


@rule_required(rules.sees_stock)
@require_GET
def vehicle_detail(request: HttpRequest, number: int) -> HttpResponse:
    vehicle = selectors.vehicle_get_for_user(user=request.user, number=number)
    return render(request, "vehicles/detail.html", _detail_context(request, vehicle))


def _rerender(request, vehicle, **forms):
    vehicle.refresh_from_db()
    return render(
        request, "vehicles/detail.html", _detail_context(request, vehicle, **forms), status=400
    )


@login_required
@require_POST
def vehicle_status(request: HttpRequest, number: int) -> HttpResponse:
    vehicle = selectors.vehicle_get_for_user(user=request.user, number=number)
    if not request.user.has_perm(CONFIGURE):
        raise PermissionDenied
    form = StatusChangeForm(request.POST, moves=lifeline.allowed_moves(vehicle))
    if form.is_valid():
        try:
            services.vehicle_status_change(
                vehicle=vehicle,
                to=form.cleaned_data["to"],
                by=request.user,
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Statut modifié."))
            return redirect("vehicles:detail", number=vehicle.pk)
    return _rerender(request, vehicle, status_form=form)


@rule_required(rules.can_edit_stock)
@require_POST
def vehicle_prices(request: HttpRequest, number: int) -> HttpResponse:
    vehicle = selectors.vehicle_get_for_user(user=request.user, number=number)
    form = PriceForm(request.POST, vehicle=vehicle)
    if form.is_valid():
        try:
            changes = services.vehicle_prices_update(
                vehicle=vehicle, by=request.user, **form.cleaned_data
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            if any(c.status == PriceChange.Status.TO_VALIDATE for c in changes):
                messages.info(
                    request, _("Prix enregistré ; il attend la validation d'un responsable.")
                )
            elif changes:
                messages.success(request, _("Prix enregistré."))
            return redirect("vehicles:detail", number=vehicle.pk)
    return _rerender(request, vehicle, price_form=form)


@rule_required(rules.can_edit_stock)
@require_POST
def vehicle_option_add(request: HttpRequest, number: int) -> HttpResponse:
    vehicle = selectors.vehicle_get_for_user(user=request.user, number=number)
    form = OptionForm(request.POST)
    if form.is_valid():
        services.vehicle_option_add(vehicle=vehicle, by=request.user, **form.cleaned_data)
        messages.success(request, _("Option ajoutée."))
        return redirect("vehicles:detail", number=vehicle.pk)
    return _rerender(request, vehicle, option_form=form)


@rule_required(rules.can_edit_stock)
@require_POST
def vehicle_publication(request: HttpRequest, number: int) -> HttpResponse:
    vehicle = selectors.vehicle_get_for_user(user=request.user, number=number)
    requested = request.POST.get("requested") == "1"
    vehicle = services.vehicle_publication_request(
        vehicle=vehicle, by=request.user, requested=requested
    )
    if requested and not vehicle.is_published:
        messages.warning(
            request, _("Publication demandée : des critères d'éligibilité manquent encore.")
        )
    else:
        messages.success(request, _("Publication mise à jour."))
    return redirect("vehicles:detail", number=vehicle.pk)


@rule_required(rules.can_edit_stock)
@require_POST
def vehicle_transfer_request(request: HttpRequest, number: int) -> HttpResponse:
    vehicle = selectors.vehicle_get_for_user(user=request.user, number=number)
    form = TransferForm(request.POST, vehicle=vehicle)
    if form.is_valid():
        try:
            services.transfer_request(vehicle=vehicle, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request, _("Transfert demandé : il attend l'approbation du responsable.")
            )
            return redirect("vehicles:detail", number=vehicle.pk)
    return _rerender(request, vehicle, transfer_form=form)


@login_required
@require_POST
def vehicle_auction_create(request: HttpRequest, number: int) -> HttpResponse:
    vehicle = selectors.vehicle_get_for_user(user=request.user, number=number)
    if not request.user.has_perm(CONFIGURE):
        raise PermissionDenied
    form = AuctionForm(request.POST)
    if form.is_valid():
        try:
            services.auction_create(vehicle=vehicle, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Enchère planifiée."))
            return redirect("vehicles:detail", number=vehicle.pk)
    return _rerender(request, vehicle, auction_form=form)


@rule_required(rules.can_configure_vehicles)
@require_POST
def auction_action(request: HttpRequest, pk: int) -> HttpResponse:
    auction = get_object_or_404(Auction, pk=pk)
    vehicle = selectors.vehicle_get_for_user(user=request.user, number=auction.vehicle_id)
    action = request.POST.get("action")
    try:
        if action == "start":
            services.auction_start(auction=auction, by=request.user)
        elif action in ("win", "lose"):
            form = AuctionCloseForm(request.POST)
            form.is_valid()
            services.auction_close(
                auction=auction,
                by=request.user,
                won=action == "win",
                winning_bid=form.cleaned_data.get("winning_bid"),
                winner=form.cleaned_data.get("winner", ""),
            )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    except TransitionNotAllowed:
        messages.error(request, _("Cette action n'est plus possible pour cette enchère."))
    return redirect("vehicles:detail", number=vehicle.pk)


@right_required(CONFIGURE)
@require_http_methods(["GET", "POST"])
def vehicle_create(request: HttpRequest) -> HttpResponse:
    pos = points_of_sale_for_user(request.user)
    form = VehicleCreateForm(request.POST or None, points_of_sale=pos)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        prices = {k: data.pop(k) for k in ("selling_price", "catalogue_price")}
        if form.cleaned_data["parc"] not in ("VN", "VD"):
            prices.pop("catalogue_price")
        try:
            with transaction.atomic():
                vehicle = services.vehicle_create(by=request.user, **data)
                prices = {k: v for k, v in prices.items() if v is not None}
                if prices:
                    services.vehicle_prices_update(vehicle=vehicle, by=request.user, **prices)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Véhicule n° %s créé.") % vehicle.pk)
            return redirect("vehicles:detail", number=vehicle.pk)
    return render(request, "vehicles/form.html", {"form": form}, status=400 if form.errors else 200)


@right_required(CONFIGURE)
@require_http_methods(["GET", "POST"])
def vehicle_edit(request: HttpRequest, number: int) -> HttpResponse:
    vehicle = selectors.vehicle_get_for_user(user=request.user, number=number)
    pos = points_of_sale_for_user(request.user)
    form = VehicleForm(request.POST or None, instance=vehicle, points_of_sale=pos)
    if request.method == "POST" and form.is_valid():
        fields = {k: v for k, v in form.cleaned_data.items() if k in services.IDENTITY_FIELDS}
        vehicle.refresh_from_db()
        try:
            services.vehicle_update(vehicle=vehicle, by=request.user, **fields)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Fiche enregistrée."))
            return redirect("vehicles:detail", number=vehicle.pk)
    return render(
        request,
        "vehicles/form.html",
        {"form": form, "vehicle": vehicle},
        status=400 if form.errors else 200,
    )
