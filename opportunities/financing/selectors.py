"""Reads of financing: simulations of a vehicle or an offer, panels and summaries (V-13)."""

from django.utils.translation import gettext as _

from openflex.accounts import rules
from opportunities.financing import providers
from opportunities.financing.annuity import FINANCED_PARCS, Kind, RequestStatus
from opportunities.financing.models import FinancingSimulation
from opportunities.sales.models import Offer, PaymentMethod
from opportunities.sales.services import offer_totals
from vehicles.models import Vehicle


def provider_name(key: str) -> str:
    try:
        return providers.provider_get(key).name
    except LookupError:
        return key


def financing_vehicle_simulations(*, vehicle: Vehicle) -> list[FinancingSimulation]:
    """The vehicle's own simulations, default first then by monthly payment."""
    return list(
        FinancingSimulation.objects.filter(vehicle_id=vehicle.pk, offer__isnull=True)
        .select_related("created_by")
        .order_by("-is_default", "monthly_payment", "pk")
    )


def financing_featured(simulations) -> FinancingSimulation | None:
    """The default, or else the automatic simulation with the lowest monthly payment."""
    simulations = [s for s in simulations if s.offer_id is None]
    for s in simulations:
        if s.is_default:
            return s
    automatic = [s for s in simulations if s.kind == Kind.AUTOMATIC]
    return min(automatic, key=lambda s: (s.monthly_payment, s.pk)) if automatic else None


def financing_sticker(*, vehicle: Vehicle) -> dict | None:
    """The financing block of the price sticker (O-7): the featured simulation."""
    featured = financing_featured(financing_vehicle_simulations(vehicle=vehicle))
    if featured is None:
        return None
    return {
        "label": featured.label or _("Financement"),
        "monthly_payment": featured.monthly_payment,
        "duration_months": featured.duration_months,
        "down_payment": featured.down_payment,
        "rate": featured.annual_rate,
        "total_cost": featured.total_cost,
        "legal_notice": _(
            "Offre de crédit proposée par %(provider)s, sous réserve d'acceptation du dossier. "
            "Un crédit vous engage et doit être remboursé. Vérifiez vos capacités de "
            "remboursement avant de vous engager."
        )
        % {"provider": provider_name(featured.provider)},
    }


def user_can_configure(user, vehicle: Vehicle) -> bool:
    return rules.can_configure_vehicles(user)


def financing_vehicle_panel(*, vehicle: Vehicle, user) -> dict:
    simulations = financing_vehicle_simulations(vehicle=vehicle)
    featured = financing_featured(simulations)
    if featured is not None and not featured.is_default:
        # Highlighted first too: the default, else the cheapest automatic one.
        simulations.remove(featured)
        simulations.insert(0, featured)
    return {
        "simulations": simulations,
        "featured": featured,
        "has_default": any(s.is_default for s in simulations),
        "can_configure": user_can_configure(user, vehicle),
        "eligible": vehicle.parc in FINANCED_PARCS,
    }


def financing_offer_simulations(*, offer: Offer) -> list[FinancingSimulation]:
    return list(
        FinancingSimulation.objects.filter(offer_id=offer.pk).order_by("monthly_payment", "pk")
    )


def financing_request_refusal(*, offer: Offer, requests=None) -> str | None:
    """Why no financing request can be made from this offer now (None: it can)."""
    if offer.status != Offer.Status.VALIDATED:
        return _("Une demande de financement se fait depuis une offre validée.")
    if offer.vehicle.parc not in FINANCED_PARCS:
        return _("Le financement par l'organisme partenaire concerne les VO et les VD.")
    if requests is None:
        requests = list(offer.financing_requests.all())
    for r in requests:
        if r.status == RequestStatus.SENT:
            return _("Un dossier est déjà transmis à la financière pour cette offre.")
        if r.status == RequestStatus.FAVOURABLE:
            return _("Cette offre a déjà un accord de principe favorable.")
    return None


def financing_offer_block(*, offer: Offer, user) -> dict:
    requests = list(offer.financing_requests.select_related("created_by"))
    net = offer_totals(offer).net_to_pay
    return {
        "offer": offer,
        "net_to_pay": net,
        "simulations": financing_offer_simulations(offer=offer),
        "requests": requests,
        "request_refusal": financing_request_refusal(offer=offer, requests=requests),
        "can_simulate": offer.status in (Offer.Status.OPEN, Offer.Status.VALIDATED) and net > 0,
    }


def financing_order_summary(*, order) -> dict:
    requests = list(order.offer.financing_requests.all())
    latest = requests[0] if requests else None
    by_financing = order.balance_method == PaymentMethod.FINANCING
    return {
        "order": order,
        "request": latest,
        "by_financing": by_financing,
        "hint": by_financing and latest is None,
    }
