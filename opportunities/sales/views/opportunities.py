"""Opportunity pages and the sales settings (O-1, O-9, ORG-5)."""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from openflex.accounts import rules
from openflex.accounts.permissions import admin_required, rule_required
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
from opportunities.sales.views.common import Action, action_dispatch, add_errors
from vehicles.selectors import vehicle_get_for_user


@rule_required(rules.works_on_sales)
@require_GET
def opportunity_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    filterset = OpportunityFilter(
        request.GET, queryset=sales_selectors.opportunity_list(user=user), user=user
    )
    return lists.render_list(request, "opportunities/opportunity_list.html", filterset)


@rule_required(rules.can_sell)
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


@rule_required(rules.works_on_sales)
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


def _invalid(form_name: str, panel: str, tab: str | None = None):
    """Re-render the opportunity page with the action's form open and its errors."""

    def rerender(request, opportunity, form):
        extra = {"tab": tab} if tab else {}
        return _opportunity_rerender(
            request, opportunity, **{form_name: form, "open_panel": panel, **extra}
        )

    return rerender


def _vehicle_of(user, number):
    """A vehicle of the user's stock by its OpenFlex number, or a message next to the field."""
    if not number:
        return None
    try:
        return vehicle_get_for_user(user=user, number=number)
    except Http404:
        raise ValidationError(
            {"vehicle": _("Aucun véhicule de votre stock ne porte ce numéro.")}
        ) from None


def _salesperson_form(opportunity, user, post):
    if not customers_selectors.user_sees_point_of_sale_opportunities(user):
        raise PermissionDenied
    return SalespersonForm(post, salespeople=salespeople_for([opportunity.point_of_sale_id]))


def _appointment(kind: str):
    def run(opportunity, user, data):
        return services.appointment_create(
            opportunity=opportunity,
            by=user,
            kind=kind,
            starts_at=data["starts_at"],
            vehicle=_vehicle_of(user, data.get("vehicle")),
            note=data["note"],
        )

    return run


def _rdv_tab(opportunity, result) -> str:
    return reverse("opportunities:detail", args=[opportunity.pk]) + "?onglet=rdv"


# The actions of the opportunity page, by the slug of their URL (one dispatcher for every
# sale page: views/common.action_dispatch).
OPPORTUNITY_ACTIONS = {
    "salesperson": Action(
        lambda o, user, data: services.opportunity_salesperson_change(
            opportunity=o, salesperson=data["salesperson"], by=user
        ),
        _("Vendeur modifié."),
        form=_salesperson_form,
        invalid=_invalid("salesperson_form", "salesperson"),
    ),
    "relance": Action(
        lambda o, user, data: services.opportunity_follow_up(
            opportunity=o, by=user, message=data["message"]
        ),
        _("Relance envoyée au client."),
        form=lambda o, user, post: FollowUpForm(post),
        invalid=_invalid("follow_up_form", "relance"),
    ),
    "rdv": Action(
        _appointment(Appointment.Kind.MEETING),
        _("Rendez-vous planifié."),
        goto=_rdv_tab,
        form=lambda o, user, post: AppointmentForm(post, prefix="rdv"),
        invalid=_invalid("meeting_form", "rdv", tab="rdv"),
    ),
    "essai": Action(
        _appointment(Appointment.Kind.TEST_DRIVE),
        _("Rendez-vous planifié."),
        goto=_rdv_tab,
        form=lambda o, user, post: AppointmentForm(post, prefix="essai"),
        invalid=_invalid("test_drive_form", "essai", tab="rdv"),
    ),
    "offre": Action(
        lambda o, user, data: services.offer_create(
            opportunity=o, vehicle=_vehicle_of(user, data["vehicle"]), by=user
        ),
        goto=lambda o, offer: reverse("opportunities:offer_detail", args=[offer.pk]),
        form=lambda o, user, post: VehicleChoiceForm(post, prefix="offre"),
        invalid=_invalid("offer_form", "offre"),
    ),
    "abandon": Action(
        lambda o, user, data: services.opportunity_abandon(
            opportunity=o, by=user, reason=data["reason"]
        ),
        _("Opportunité abandonnée."),
        form=lambda o, user, post: ReasonForm(post, prefix="abandon"),
        invalid=_invalid("abandon_form", "abandon"),
    ),
}


@rule_required(rules.can_sell)
@require_POST
def opportunity_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """The actions of the opportunity page: OPPORTUNITY_ACTIONS through the one dispatcher."""
    opportunity = sales_selectors.opportunity_get_for_user(user=request.user, pk=pk)
    if action not in OPPORTUNITY_ACTIONS:
        raise Http404
    back = reverse("opportunities:detail", args=[pk])
    return action_dispatch(request, opportunity, OPPORTUNITY_ACTIONS, action, back)


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
