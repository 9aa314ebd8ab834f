"""Opportunity pages and the sales settings (O-1, O-9, ORG-5)."""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from openflex.accounts.permissions import admin_required
from openflex.accounts.selectors import points_of_sale_for_user
from openflex.core import lists
from openflex.core.inputs import parse_id
from opportunities.customers import selectors as customers_selectors
from opportunities.sales import selectors as sales_selectors
from opportunities.sales import services
from opportunities.sales.filters import OpportunityFilter
from opportunities.sales.forms import (
    AppointmentForm,
    FollowUpForm,
    OpportunityForm,
    ReasonForm,
    SalespersonForm,
    SalesSettingsForm,
    VehicleChoiceForm,
)
from opportunities.sales.models import (
    Appointment,
    Opportunity,
    SalesSettings,
)
from opportunities.sales.selectors import salespeople_for
from opportunities.sales.views.common import add_errors
from vehicles.selectors import vehicle_get_for_user


@login_required
@require_GET
def opportunity_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    filterset = OpportunityFilter(
        request.GET, queryset=sales_selectors.opportunity_list(user=user), user=user
    )
    return lists.render_list(request, "opportunities/opportunity_list.html", filterset)


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
        customers=customers_selectors.customer_queryset_for_user(user),
        salespeople=salespeople_for(pos_qs.values_list("pk", flat=True))
        if customers_selectors.user_sees_point_of_sale_opportunities(user)
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
        customer = (
            customers_selectors.customer_queryset_for_user(user).filter(pk=customer_id).first()
        )
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
    can_manage = customers_selectors.user_sees_point_of_sale_opportunities(request.user)
    return {
        "opportunity": opportunity,
        "customer": opportunity.customer,
        "tab": tab,
        "tabs": TABS,
        "offers": sales_selectors.opportunity_offers(opportunity=opportunity),
        "orders": sales_selectors.opportunity_orders(opportunity=opportunity),
        "appointments": sales_selectors.opportunity_appointments(opportunity=opportunity),
        "events": sales_selectors.opportunity_events(opportunity=opportunity)[:200],
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
    opportunity = sales_selectors.opportunity_get_for_user(user=request.user, pk=pk)
    return render(
        request, "opportunities/opportunity_detail.html", _opportunity_context(request, opportunity)
    )


def _opportunity_rerender(request, opportunity, **forms):
    opportunity = sales_selectors.opportunity_get_for_user(user=request.user, pk=opportunity.pk)
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
    opportunity = sales_selectors.opportunity_get_for_user(user=user, pk=pk)
    back = redirect("opportunities:detail", pk=pk)
    if action == "salesperson":
        if not customers_selectors.user_sees_point_of_sale_opportunities(user):
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
