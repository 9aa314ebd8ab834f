"""Pages of financing (V-13): custom simulations and the default on the vehicle page
(fleet managers), simulations and the financing request of an offer.

Rights on the server: the vehicle through ``vehicle_get_for_user``, the offer through
``offer_get_for_user`` (404 otherwise); customising a vehicle's simulations also needs
``accounts.change_vehicle_configuration`` (403 otherwise).
"""

from decimal import Decimal, InvalidOperation

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from openflex.accounts import rules
from openflex.accounts.permissions import rule_required
from openflex.core.inputs import parse_id
from opportunities.customers.models import Civility
from opportunities.financing import annuity as financing_annuity
from opportunities.financing import selectors as financing_selectors
from opportunities.financing import services as financing_services
from opportunities.financing.models import FinancingSimulation
from opportunities.sales import selectors
from opportunities.sales.forms import money_field
from opportunities.sales.services import offer_totals
from opportunities.sales.views.common import add_errors
from vehicles.selectors import vehicle_get_for_user


class RateField(forms.DecimalField):
    """A rate typed "4,9", "4.9" or "4,9 %"."""

    def to_python(self, value):
        if value in self.empty_values:
            return None
        text = str(value).replace("%", "").replace("\u00a0", "").replace(" ", "")
        try:
            result = Decimal(text.replace(",", "."))
        except InvalidOperation:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None
        if not result.is_finite():
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return result


def _rate_field():
    return RateField(
        label=gettext_lazy("Taux annuel (%)"),
        max_digits=6,
        decimal_places=3,
        error_messages={
            "required": gettext_lazy("Indiquez le taux annuel."),
            "invalid": gettext_lazy("Saisissez un taux, par exemple 4,9."),
            # Django formats these messages with %-params: the percent sign is doubled.
            "max_digits": gettext_lazy("Le taux annuel doit être compris entre 0 et 25 %%."),
            "max_whole_digits": gettext_lazy("Le taux annuel doit être compris entre 0 et 25 %%."),
            "max_decimal_places": gettext_lazy("Au plus 3 décimales."),
        },
        widget=forms.TextInput(attrs={"inputmode": "decimal", "class": "amount"}),
    )


def _duration_field():
    return forms.IntegerField(
        label=gettext_lazy("Durée (mois)"),
        error_messages={
            "required": gettext_lazy("Indiquez la durée."),
            "invalid": gettext_lazy("Saisissez un nombre entier de mois."),
        },
        widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "amount"}),
    )


class SimulationForm(forms.Form):
    price = money_field(gettext_lazy("Prix TTC"), required=True)
    down_payment = money_field(gettext_lazy("Apport"))
    duration_months = _duration_field()
    annual_rate = _rate_field()
    services_monthly = money_field(gettext_lazy("Prestations par mois"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["price"].error_messages["required"] = _("Indiquez le prix.")

    def terms(self) -> dict:
        d = self.cleaned_data
        return {
            "price": d["price"],
            "down_payment": d.get("down_payment") or Decimal("0"),
            "duration_months": d["duration_months"],
            "annual_rate": d["annual_rate"],
            "services_monthly": d.get("services_monthly") or Decimal("0"),
        }


class VehicleSimulationForm(SimulationForm):
    label = forms.CharField(label=gettext_lazy("Libellé"), max_length=120, required=False)
    make_default = forms.BooleanField(
        label=gettext_lazy("Définir comme offre par défaut"), required=False
    )


class FinancingRequestForm(forms.Form):
    amount = money_field(gettext_lazy("Montant à financer (avant apport)"), required=True)
    down_payment = money_field(gettext_lazy("Apport"))
    duration_months = _duration_field()
    annual_rate = _rate_field()
    civility = forms.ChoiceField(
        label=gettext_lazy("Civilité"), choices=[("", "—"), *Civility.choices], required=False
    )
    last_name = forms.CharField(label=gettext_lazy("Nom"), max_length=80, required=False)
    first_name = forms.CharField(label=gettext_lazy("Prénom"), max_length=80, required=False)
    birth_date = forms.DateField(
        label=gettext_lazy("Date de naissance"),
        required=False,
        input_formats=["%d/%m/%Y", "%Y-%m-%d"],
        error_messages={"invalid": gettext_lazy("Saisissez une date, par exemple 14/07/1985.")},
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    employment = forms.ChoiceField(
        label=gettext_lazy("Situation professionnelle"),
        choices=[("", "—"), *financing_annuity.EMPLOYMENTS],
        required=False,
    )
    monthly_income = money_field(gettext_lazy("Revenus mensuels nets"), required=True)
    monthly_charges = money_field(gettext_lazy("Charges mensuelles (crédits, loyer…)"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["amount"].error_messages["required"] = _("Indiquez le montant à financer.")
        self.fields["monthly_income"].error_messages["required"] = _(
            "Indiquez les revenus mensuels."
        )


def _vehicle_redirect(vehicle) -> HttpResponse:
    return redirect(f"/vehicules/{vehicle.pk}/#panel-financing")


def _configurable_vehicle(request, number: int):
    vehicle = vehicle_get_for_user(user=request.user, number=number)
    if not financing_selectors.user_can_configure(request.user, vehicle):
        raise PermissionDenied
    return vehicle


def _preview(form) -> financing_annuity.Computation | None:
    if not form.is_valid():
        return None
    try:
        return financing_annuity.financing_compute(**form.terms())
    except ValidationError as exc:
        add_errors(form, exc)
        return None


# --- Vehicle (fleet managers) ------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def vehicle_simulation_create(request: HttpRequest, number: int) -> HttpResponse:
    """ "Personnaliser une simulation": the form, a "Calculer" preview, then save."""
    vehicle = _configurable_vehicle(request, number)
    preview = None
    if request.method == "POST":
        form = VehicleSimulationForm(request.POST)
        preview = _preview(form)
        if preview is not None and "save" in request.POST:
            data = form.cleaned_data
            try:
                financing_services.financing_simulation_create(
                    vehicle=vehicle,
                    by=request.user,
                    label=data.get("label", ""),
                    make_default=bool(data.get("make_default")),
                    **form.terms(),
                )
            except ValidationError as exc:
                add_errors(form, exc)
            else:
                messages.success(request, _("Simulation enregistrée."))
                return _vehicle_redirect(vehicle)
    else:
        initial = {"price": vehicle.selling_price, "down_payment": Decimal("0")}
        source = parse_id(request.GET.get("depuis"))
        if source:
            s = FinancingSimulation.objects.filter(
                vehicle=vehicle, offer__isnull=True, pk=source
            ).first()
            if s is not None:
                initial = {
                    "price": s.price,
                    "down_payment": s.down_payment,
                    "duration_months": s.duration_months,
                    "annual_rate": s.annual_rate.normalize(),
                    "services_monthly": s.services_monthly,
                }
        form = VehicleSimulationForm(initial=initial)
    status = 400 if request.method == "POST" and form.errors else 200
    return render(
        request,
        "opportunities/financing/simulation_form.html",
        {"vehicle": vehicle, "form": form, "preview": preview, "offer": None},
        status=status,
    )


@login_required
@require_POST
def vehicle_simulation_default(request: HttpRequest, number: int, pk: int) -> HttpResponse:
    vehicle = _configurable_vehicle(request, number)
    simulation = get_object_or_404(FinancingSimulation, vehicle=vehicle, offer__isnull=True, pk=pk)
    financing_services.financing_default_set(simulation=simulation, by=request.user)
    messages.success(request, _("Offre par défaut définie."))
    return _vehicle_redirect(vehicle)


@login_required
@require_POST
def vehicle_default_clear(request: HttpRequest, number: int) -> HttpResponse:
    vehicle = _configurable_vehicle(request, number)
    financing_services.financing_default_clear(vehicle=vehicle, by=request.user)
    messages.success(
        request,
        _("Offre par défaut retirée : la mensualité la plus basse est mise en avant."),
    )
    return _vehicle_redirect(vehicle)


@login_required
@require_POST
def vehicle_simulation_delete(request: HttpRequest, number: int, pk: int) -> HttpResponse:
    vehicle = _configurable_vehicle(request, number)
    simulation = get_object_or_404(FinancingSimulation, vehicle=vehicle, offer__isnull=True, pk=pk)
    try:
        financing_services.financing_simulation_delete(simulation=simulation, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Simulation supprimée."))
    return _vehicle_redirect(vehicle)


@login_required
@require_POST
def vehicle_simulations_refresh(request: HttpRequest, number: int) -> HttpResponse:
    vehicle = _configurable_vehicle(request, number)
    fresh = financing_services.financing_simulations_refresh(vehicle=vehicle, by=request.user)
    messages.success(request, _("Simulations de l'organisme actualisées (%s).") % len(fresh or []))
    return _vehicle_redirect(vehicle)


# --- Offer -------------------------------------------------------------------------------


def _offer_redirect(offer) -> HttpResponse:
    return redirect(f"/offres/{offer.pk}/#financement")


@rule_required(rules.can_sell)
@require_http_methods(["GET", "POST"])
def offer_simulation_create(request: HttpRequest, pk: int) -> HttpResponse:
    offer = selectors.offer_get_for_user(user=request.user, pk=pk)
    preview = None
    if request.method == "POST":
        form = SimulationForm(request.POST)
        preview = _preview(form)
        if preview is not None and "save" in request.POST:
            try:
                financing_services.financing_offer_simulation_create(
                    offer=offer, by=request.user, **form.terms()
                )
            except ValidationError as exc:
                add_errors(form, exc)
            else:
                messages.success(request, _("Simulation ajoutée à l'offre."))
                return _offer_redirect(offer)
    else:
        net = offer_totals(offer).net_to_pay
        form = SimulationForm(
            initial={"price": net, "down_payment": Decimal("0"), "duration_months": 48}
        )
    status = 400 if request.method == "POST" and form.errors else 200
    return render(
        request,
        "opportunities/financing/simulation_form.html",
        {"vehicle": offer.vehicle, "offer": offer, "form": form, "preview": preview},
        status=status,
    )


@rule_required(rules.can_sell)
@require_POST
def offer_simulations_refresh(request: HttpRequest, pk: int) -> HttpResponse:
    offer = selectors.offer_get_for_user(user=request.user, pk=pk)
    try:
        fresh = financing_services.financing_offer_simulations_refresh(offer=offer, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        if fresh:
            messages.success(request, _("Simulations de l'organisme calculées."))
        else:
            messages.info(request, _("L'organisme ne propose pas de simulation pour cette offre."))
    return _offer_redirect(offer)


@rule_required(rules.can_sell)
@require_http_methods(["GET", "POST"])
def offer_financing_request(request: HttpRequest, pk: int) -> HttpResponse:
    """ "Demander un financement" from a validated offer: the form, then the provider."""
    offer = selectors.offer_get_for_user(user=request.user, pk=pk)
    refusal = financing_selectors.financing_request_refusal(offer=offer)
    if refusal:
        messages.error(request, refusal)
        return _offer_redirect(offer)
    if request.method == "POST":
        form = FinancingRequestForm(request.POST)
        if form.is_valid():
            d = form.cleaned_data
            try:
                financing_services.financing_request_create(
                    offer=offer,
                    by=request.user,
                    amount=d["amount"],
                    down_payment=d.get("down_payment") or Decimal("0"),
                    duration_months=d["duration_months"],
                    annual_rate=d["annual_rate"],
                    applicant={
                        "civility": d.get("civility", ""),
                        "last_name": d.get("last_name", ""),
                        "first_name": d.get("first_name", ""),
                        "birth_date": d.get("birth_date"),
                        "employment": d.get("employment", ""),
                        "monthly_income": d["monthly_income"],
                        "monthly_charges": d.get("monthly_charges") or Decimal("0"),
                    },
                )
            except ValidationError as exc:
                add_errors(form, exc)
            else:
                messages.success(request, _("Dossier transmis à la financière."))
                return _offer_redirect(offer)
    else:
        customer = offer.opportunity.customer
        # The terms of the vehicle's featured simulation (default, else the cheapest).
        featured = financing_selectors.financing_featured(
            financing_selectors.financing_vehicle_simulations(vehicle=offer.vehicle)
        )
        form = FinancingRequestForm(
            initial={
                "amount": offer_totals(offer).net_to_pay,
                "down_payment": Decimal("0"),
                "duration_months": featured.duration_months if featured else 48,
                "annual_rate": featured.annual_rate if featured else None,
                "civility": customer.civility,
                "last_name": customer.last_name,
                "first_name": customer.first_name,
                "monthly_charges": Decimal("0"),
            }
        )
    return render(
        request,
        "opportunities/financing/request_form.html",
        {"offer": offer, "vehicle": offer.vehicle, "form": form},
        status=400 if form.errors else 200,
    )
