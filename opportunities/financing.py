"""Financing simulations and requests (V-13, issue #6).

The monthly payment is the standard annuity: ``P·r / (1 − (1 + r)^−n)`` with
``r = annual rate / 12 / 100``, ``P = price − down payment`` and ``n`` months (``P / n``
at 0 %), computed in Decimal at 40 digits and rounded half up to the cent; the monthly
services are added on top. The total cost of the credit is ``n × annuity − P`` (the
services are not credit). Every amount shown anywhere comes from ``financing_compute``.

Rules decided here (docs/decisions.md):

- Vehicle simulations (``offer`` empty) are automatic (from the provider) or custom (a
  fleet manager's, right ``accounts.change_vehicle_configuration``). At most one is the
  default (a database constraint). The **featured** simulation is the default, or else
  the automatic one with the lowest monthly payment ("Mensualité la plus basse"); the
  vehicle's ``monthly_payment`` (stock list column) is always the featured one's, or
  empty. The price sticker prints the featured simulation.
- ``financing_simulations_refresh`` replaces the automatic simulations of a vehicle by
  the provider's for its current selling price, keeping the custom ones and the default
  (whatever its kind). It runs every night for the VD/VO in sales stock whose automatic
  simulations are missing or priced differently from the selling price (one set-based
  query), when a VD/VO enters the sales stock (after commit), and on demand ("Actualiser
  les simulations", fleet managers). Opening the vehicle page never writes.
- Offer simulations are priced at the offer's net to pay; they are never a default.
- A financing request is made from a validated offer on a VO or VD, by anyone who sees
  the offer, while no other request of the offer is waiting or favourable. It is sent to
  the provider after commit (Celery); the answer moves it to favorable / défavorable,
  a provider failure (after retries) to erreur. Each step writes an opportunity event.
"""

import logging
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation, localcontext

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.dispatch import receiver
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from openflex.core.templatetags.openflex import format_money
from vehicles import signals as vehicle_signals
from vehicles.models import Parc, StandardStatus, Vehicle
from vehicles.services import vehicle_monthly_payment_set

from . import financing_providers as providers
from .models import (
    FinancingRequest,
    FinancingSimulation,
    Offer,
    Opportunity,
    OpportunityEvent,
    PaymentMethod,
)
from .services import offer_totals, opportunity_event_record

logger = logging.getLogger(__name__)

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
MAX_AMOUNT = Decimal("9999999.99")
MIN_DURATION, MAX_DURATION = 6, 120
MIN_RATE, MAX_RATE = Decimal("0"), Decimal("25")
FINANCED_PARCS = (Parc.VO, Parc.VD)
CONFIGURE = "accounts.change_vehicle_configuration"
Kind = FinancingSimulation.Kind
RequestStatus = FinancingRequest.Status

EMPLOYMENTS = [
    ("cdi", gettext_lazy("Salarié en CDI")),
    ("cdd", gettext_lazy("Salarié en CDD / intérim")),
    ("fonctionnaire", gettext_lazy("Fonctionnaire")),
    ("independant", gettext_lazy("Indépendant / profession libérale")),
    ("retraite", gettext_lazy("Retraité")),
    ("sans_emploi", gettext_lazy("Sans emploi")),
    ("autre", gettext_lazy("Autre")),
]


# --- The annuity ------------------------------------------------------------------------


def cents(value) -> Decimal:
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def annuity(*, principal: Decimal, annual_rate: Decimal, duration_months: int) -> Decimal:
    """The monthly repayment of ``principal`` over ``duration_months`` at ``annual_rate`` %."""
    principal = Decimal(principal)
    if principal <= 0:
        return ZERO
    with localcontext() as ctx:
        ctx.prec = 40
        r = Decimal(annual_rate) / 12 / 100
        if r == 0:
            payment = principal / duration_months
        else:
            payment = principal * r / (1 - (1 + r) ** -duration_months)
        return cents(payment)


@dataclass(frozen=True)
class Computation:
    price: Decimal
    down_payment: Decimal
    duration_months: int
    annual_rate: Decimal
    services_monthly: Decimal
    principal: Decimal  # the amount financed
    annuity: Decimal  # the credit's monthly repayment
    monthly_payment: Decimal  # annuity + services
    total_cost: Decimal  # n × annuity − principal


def _decimal(value, field: str, errors: dict, *, places: int = 2) -> Decimal | None:
    if value is None or value == "":
        errors[field] = _("Ce champ est obligatoire.")
        return None
    try:
        result = Decimal(str(value))
        if not result.is_finite():
            raise InvalidOperation
        return result.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    except (InvalidOperation, ValueError):
        errors[field] = _("Saisissez un nombre.")
        return None


def financing_compute(
    *, price, down_payment=ZERO, duration_months, annual_rate, services_monthly=ZERO
) -> Computation:
    """Validate the terms and compute the payment; ``ValidationError`` keyed by field."""
    errors: dict[str, str] = {}
    price = _decimal(price, "price", errors)
    down = _decimal(
        down_payment if down_payment not in (None, "") else ZERO, "down_payment", errors
    )
    rate = _decimal(annual_rate, "annual_rate", errors, places=3)
    services = _decimal(
        services_monthly if services_monthly not in (None, "") else ZERO, "services_monthly", errors
    )
    duration = None
    try:
        duration = int(duration_months)
        if Decimal(str(duration_months)) != duration:
            raise ValueError
    except (TypeError, ValueError, InvalidOperation):
        duration = None
        errors["duration_months"] = _("Saisissez un nombre entier de mois.")
    if price is not None and "price" not in errors:
        if price <= 0:
            errors["price"] = _("Le prix doit être supérieur à zéro.")
        elif price > MAX_AMOUNT:
            errors["price"] = _("Ce montant n'est pas plausible.")
    if down is not None and "down_payment" not in errors:
        if down < 0:
            errors["down_payment"] = _("L'apport ne peut pas être négatif.")
        elif price is not None and "price" not in errors and down >= price:
            errors["down_payment"] = _(
                "L'apport doit être inférieur au prix (%s) : il ne resterait rien à financer."
            ) % format_money(price)
    if duration is not None and not MIN_DURATION <= duration <= MAX_DURATION:
        errors["duration_months"] = _(
            "La durée doit être comprise entre %(min)s et %(max)s mois."
        ) % {"min": MIN_DURATION, "max": MAX_DURATION}
    if rate is not None and not MIN_RATE <= rate <= MAX_RATE:
        errors["annual_rate"] = _("Le taux annuel doit être compris entre 0 et 25 %.")
    if services is not None and "services_monthly" not in errors:
        if services < 0:
            errors["services_monthly"] = _("Le montant des prestations ne peut pas être négatif.")
        elif services > MAX_AMOUNT:
            errors["services_monthly"] = _("Ce montant n'est pas plausible.")
    if errors:
        raise ValidationError(errors)
    principal = price - down
    repayment = annuity(principal=principal, annual_rate=rate, duration_months=duration)
    return Computation(
        price=price,
        down_payment=down,
        duration_months=duration,
        annual_rate=rate,
        services_monthly=services,
        principal=principal,
        annuity=repayment,
        monthly_payment=repayment + services,
        total_cost=cents(repayment * duration - principal),
    )


# --- Reads ------------------------------------------------------------------------------


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
    return bool(user and user.has_perm(CONFIGURE))


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


# --- Vehicle simulations (writes) -------------------------------------------------------


def _lock_vehicle(vehicle: Vehicle, *, skip_locked: bool = False) -> Vehicle | None:
    qs = Vehicle.objects.select_for_update(of=("self",), skip_locked=skip_locked)
    return qs.filter(pk=vehicle.pk).first()


def _sync_vehicle(vehicle: Vehicle) -> Decimal | None:
    featured = financing_featured(financing_vehicle_simulations(vehicle=vehicle))
    amount = featured.monthly_payment if featured else None
    vehicle_monthly_payment_set(vehicle=vehicle, amount=amount)
    vehicle.monthly_payment = amount
    return amount


def _check_configure(user, vehicle: Vehicle) -> None:
    if not user_can_configure(user, vehicle):
        raise PermissionDenied(
            _("Seul un gestionnaire de parc peut personnaliser les simulations de financement.")
        )


def _simulation(*, vehicle, offer, kind, provider, label, computation, by) -> FinancingSimulation:
    c = computation
    return FinancingSimulation(
        vehicle=vehicle,
        offer=offer,
        provider=provider,
        kind=kind,
        label=label[:120],
        price=c.price,
        down_payment=c.down_payment,
        duration_months=c.duration_months,
        annual_rate=c.annual_rate,
        services_monthly=c.services_monthly,
        monthly_payment=c.monthly_payment,
        total_cost=c.total_cost,
        created_by=by,
    )


def _provider_simulations(*, provider, vehicle, offer, price, by) -> list[FinancingSimulation]:
    result = []
    for item in provider.simulate(vehicle, price=price):
        try:
            computation = financing_compute(
                price=item.get("price", price),
                down_payment=item.get("down_payment", ZERO),
                duration_months=item["duration_months"],
                annual_rate=item["annual_rate"],
                services_monthly=item.get("services_monthly", ZERO),
            )
        except (KeyError, ValidationError):
            logger.warning("Financing provider %s: invalid simulation %r", provider.key, item)
            continue
        result.append(
            _simulation(
                vehicle=vehicle,
                offer=offer,
                kind=Kind.AUTOMATIC,
                provider=provider.key,
                label=str(item.get("label", "")),
                computation=computation,
                by=by,
            )
        )
    return result


@transaction.atomic
def financing_simulations_refresh(
    *, vehicle: Vehicle, by=None, skip_locked: bool = False
) -> list[FinancingSimulation] | None:
    """Replace the automatic simulations by the provider's for the current selling price;
    the custom ones and the default stay. None when ``skip_locked`` and the row is busy."""
    locked = _lock_vehicle(vehicle, skip_locked=skip_locked)
    if locked is None:
        return None
    provider = providers.provider_get()
    kept = FinancingSimulation.objects.filter(vehicle=locked, offer__isnull=True)
    kept.filter(kind=Kind.AUTOMATIC, is_default=False).delete()
    default = kept.filter(is_default=True).first()
    fresh = []
    if locked.parc in FINANCED_PARCS and locked.selling_price:
        fresh = _provider_simulations(
            provider=provider, vehicle=locked, offer=None, price=locked.selling_price, by=by
        )
    if default is not None:
        same = (
            default.price,
            default.down_payment,
            default.duration_months,
            default.annual_rate,
        )
        fresh = [
            s for s in fresh if (s.price, s.down_payment, s.duration_months, s.annual_rate) != same
        ]
    FinancingSimulation.objects.bulk_create(fresh)
    _sync_vehicle(locked)
    vehicle.monthly_payment = locked.monthly_payment
    return fresh


def financing_vehicles_due():
    """VD/VO in sales stock whose automatic simulations are missing or priced otherwise."""
    current = FinancingSimulation.objects.filter(
        vehicle=OuterRef("pk"),
        offer__isnull=True,
        kind=Kind.AUTOMATIC,
        price=OuterRef("selling_price"),
    )
    return Vehicle.objects.filter(
        parc__in=FINANCED_PARCS,
        status=StandardStatus.SALES_STOCK,
        selling_price__gt=0,
    ).exclude(Exists(current))


def financing_simulations_refresh_due() -> int:
    """Nightly: refresh the vehicles of ``financing_vehicles_due``; returns how many."""
    done = 0
    for pk in financing_vehicles_due().values_list("pk", flat=True).order_by("pk").iterator():
        try:
            result = financing_simulations_refresh(vehicle=Vehicle(pk=pk), skip_locked=True)
        except providers.ProviderError:
            logger.warning("Financing refresh of vehicle %s failed", pk, exc_info=True)
            continue
        if result is not None:
            done += 1
    return done


@transaction.atomic
def financing_simulation_create(
    *,
    vehicle: Vehicle,
    by,
    price,
    down_payment,
    duration_months,
    annual_rate,
    services_monthly=ZERO,
    label: str = "",
    make_default: bool = False,
) -> FinancingSimulation:
    """A fleet manager's custom simulation on the vehicle (optionally the default)."""
    _check_configure(by, vehicle)
    computation = financing_compute(
        price=price,
        down_payment=down_payment,
        duration_months=duration_months,
        annual_rate=annual_rate,
        services_monthly=services_monthly,
    )
    locked = _lock_vehicle(vehicle)
    simulation = _simulation(
        vehicle=locked,
        offer=None,
        kind=Kind.CUSTOM,
        provider=providers.provider_get().key,
        label=label or _("Simulation personnalisée"),
        computation=computation,
        by=by,
    )
    simulation.save()
    if make_default:
        FinancingSimulation.objects.filter(vehicle=locked, is_default=True).update(is_default=False)
        FinancingSimulation.objects.filter(pk=simulation.pk).update(is_default=True)
        simulation.is_default = True
    _sync_vehicle(locked)
    return simulation


@transaction.atomic
def financing_default_set(*, simulation: FinancingSimulation, by) -> FinancingSimulation:
    """ "Définir comme offre par défaut": this one, and no other, for its vehicle."""
    if simulation.offer_id is not None:
        raise ValidationError(_("Une simulation d'offre ne peut pas être l'offre par défaut."))
    _check_configure(by, simulation.vehicle)
    locked = _lock_vehicle(simulation.vehicle)
    FinancingSimulation.objects.filter(vehicle=locked, is_default=True).exclude(
        pk=simulation.pk
    ).update(is_default=False)
    FinancingSimulation.objects.filter(pk=simulation.pk).update(is_default=True)
    simulation.is_default = True
    _sync_vehicle(locked)
    return simulation


@transaction.atomic
def financing_default_clear(*, vehicle: Vehicle, by) -> None:
    _check_configure(by, vehicle)
    locked = _lock_vehicle(vehicle)
    FinancingSimulation.objects.filter(vehicle=locked, is_default=True).update(is_default=False)
    _sync_vehicle(locked)


@transaction.atomic
def financing_simulation_delete(*, simulation: FinancingSimulation, by) -> None:
    """Remove a custom simulation (automatic ones come back with the next refresh)."""
    _check_configure(by, simulation.vehicle)
    if simulation.kind != Kind.CUSTOM:
        raise ValidationError(_("Seule une simulation personnalisée peut être supprimée."))
    locked = _lock_vehicle(simulation.vehicle)
    FinancingSimulation.objects.filter(pk=simulation.pk).delete()
    _sync_vehicle(locked)


@receiver(vehicle_signals.status_changed, dispatch_uid="financing_on_sales_stock")
def _on_status_changed(sender, vehicle, to_status, **kwargs) -> None:
    """A VD/VO entering the sales stock gets its automatic simulations after commit."""
    if to_status != StandardStatus.SALES_STOCK or vehicle.parc not in FINANCED_PARCS:
        return
    from .financing_tasks import financing_simulations_refresh_task

    pk = vehicle.pk
    transaction.on_commit(lambda: financing_simulations_refresh_task.delay(pk))


# --- Offer simulations ------------------------------------------------------------------


def _check_offer_simulable(offer: Offer) -> Decimal:
    if offer.status not in (Offer.Status.OPEN, Offer.Status.VALIDATED):
        raise ValidationError(
            _("Cette offre est %s : ses simulations ne changent plus.")
            % offer.get_status_display().lower()
        )
    return offer_totals(offer).net_to_pay


@transaction.atomic
def financing_offer_simulations_refresh(*, offer: Offer, by) -> list[FinancingSimulation]:
    """The provider's simulations for the offer's net to pay (replacing earlier ones)."""
    net = _check_offer_simulable(offer)
    provider = providers.provider_get()
    FinancingSimulation.objects.filter(offer=offer, kind=Kind.AUTOMATIC).delete()
    fresh = []
    if net > 0:
        fresh = _provider_simulations(
            provider=provider, vehicle=offer.vehicle, offer=offer, price=net, by=by
        )
    FinancingSimulation.objects.bulk_create(fresh)
    return fresh


@transaction.atomic
def financing_offer_simulation_create(
    *, offer: Offer, by, price, down_payment, duration_months, annual_rate, services_monthly=ZERO
) -> FinancingSimulation:
    _check_offer_simulable(offer)
    computation = financing_compute(
        price=price,
        down_payment=down_payment,
        duration_months=duration_months,
        annual_rate=annual_rate,
        services_monthly=services_monthly,
    )
    simulation = _simulation(
        vehicle=offer.vehicle,
        offer=offer,
        kind=Kind.CUSTOM,
        provider=providers.provider_get().key,
        label=_("Simulation de l'offre"),
        computation=computation,
        by=by,
    )
    simulation.save()
    return simulation


# --- Financing requests -----------------------------------------------------------------


def _touch(opportunity_id: int) -> None:
    Opportunity.objects.filter(pk=opportunity_id).update(last_activity_at=timezone.now())


def applicant_errors(applicant: dict) -> dict:
    errors = {}
    if not (applicant.get("last_name") or "").strip():
        errors["last_name"] = _("Indiquez le nom du demandeur.")
    if not (applicant.get("first_name") or "").strip():
        errors["first_name"] = _("Indiquez le prénom du demandeur.")
    birth = applicant.get("birth_date")
    if isinstance(birth, str) and birth:
        try:
            birth = date.fromisoformat(birth)
        except ValueError:
            birth = None
    if not isinstance(birth, date):
        errors["birth_date"] = _("Indiquez la date de naissance du demandeur.")
    else:
        today = timezone.localdate()
        age = today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))
        if age < 18:
            errors["birth_date"] = _("Le demandeur doit être majeur.")
        elif age > 110:
            errors["birth_date"] = _("Cette date de naissance n'est pas plausible.")
    if applicant.get("employment") not in dict(EMPLOYMENTS):
        errors["employment"] = _("Choisissez la situation professionnelle.")
    for field in ("monthly_income", "monthly_charges"):
        try:
            value = Decimal(str(applicant.get(field)))
            if not value.is_finite():
                raise InvalidOperation
        except (InvalidOperation, ValueError):
            errors[field] = _("Saisissez un montant.")
            continue
        if value < 0:
            errors[field] = _("Le montant ne peut pas être négatif.")
        elif value > MAX_AMOUNT:
            errors[field] = _("Ce montant n'est pas plausible.")
    return errors


@transaction.atomic
def financing_request_create(
    *,
    offer: Offer,
    by,
    amount,
    down_payment,
    duration_months,
    annual_rate,
    applicant: dict,
) -> FinancingRequest:
    """ "Demander un financement": record the request, send it after commit.

    ``amount`` is the price financed before the down payment (the offer's net to pay
    by default); the credit is ``amount − down_payment``.
    """
    offer = Offer.objects.select_for_update(of=("self",)).select_related("vehicle").get(pk=offer.pk)
    refusal = financing_request_refusal(offer=offer)
    if refusal:
        raise ValidationError(refusal, code="financing_refused")
    errors = {}
    try:
        computation = financing_compute(
            price=amount,
            down_payment=down_payment,
            duration_months=duration_months,
            annual_rate=annual_rate,
        )
    except ValidationError as exc:
        errors.update({("amount" if k == "price" else k): v for k, v in exc.message_dict.items()})
    errors.update(applicant_errors(applicant))
    if errors:
        raise ValidationError(errors)
    birth = applicant["birth_date"]
    clean = {
        "civility": applicant.get("civility", ""),
        "last_name": applicant["last_name"].strip(),
        "first_name": applicant["first_name"].strip(),
        "birth_date": birth.isoformat() if isinstance(birth, date) else birth,
        "employment": applicant["employment"],
        "monthly_income": str(Decimal(str(applicant["monthly_income"])).quantize(CENT)),
        "monthly_charges": str(Decimal(str(applicant["monthly_charges"])).quantize(CENT)),
    }
    provider = providers.provider_get()
    request = FinancingRequest.objects.create(
        offer=offer,
        provider=provider.key,
        amount=computation.price,
        down_payment=computation.down_payment,
        duration_months=computation.duration_months,
        annual_rate=computation.annual_rate,
        monthly_payment=computation.monthly_payment,
        applicant=clean,
        created_by=by,
    )
    opportunity_event_record(
        opportunity=offer.opportunity,
        kind=OpportunityEvent.Kind.OFFER,
        by=by,
        message=_(
            "Demande de financement n° %(n)s transmise à %(provider)s (offre n° %(offer)s) : "
            "%(amount)s sur %(months)s mois, mensualité %(payment)s."
        )
        % {
            "n": request.pk,
            "provider": provider.name,
            "offer": offer.pk,
            "amount": format_money(computation.principal),
            "months": computation.duration_months,
            "payment": format_money(computation.monthly_payment),
        },
        data={"financing_request": request.pk},
    )
    _touch(offer.opportunity_id)
    from .financing_tasks import financing_request_send_task

    transaction.on_commit(lambda: financing_request_send_task.delay(request.pk))
    return request


def financing_request_send(*, request_id: int) -> FinancingRequest | None:
    """Send a waiting request to its provider and record the answer (idempotent).

    The provider is called outside any transaction; ``ProviderError`` propagates so
    that the task retries."""
    request = FinancingRequest.objects.filter(pk=request_id).first()
    if request is None or request.status != RequestStatus.SENT:
        return request
    answer = providers.provider_get(request.provider).request(request)
    return financing_request_answer_record(request_id=request_id, answer=answer)


@transaction.atomic
def financing_request_answer_record(
    *, request_id: int, answer: providers.ProviderAnswer
) -> FinancingRequest:
    request = (
        FinancingRequest.objects.select_for_update(of=("self",))
        .select_related("offer__opportunity")
        .get(pk=request_id)
    )
    if request.status != RequestStatus.SENT:
        return request
    if answer.favourable:
        request.accept()
    else:
        request.decline()
    request.provider_reference = answer.reference[:60]
    request.answer_message = answer.message[:500]
    request.answered_at = timezone.now()
    request.save(update_fields=["status", "provider_reference", "answer_message", "answered_at"])
    opportunity_event_record(
        opportunity=request.offer.opportunity,
        kind=OpportunityEvent.Kind.OFFER,
        message=_("Demande de financement n° %(n)s : %(status)s (réf. %(ref)s). %(message)s")
        % {
            "n": request.pk,
            "status": request.get_status_display().lower(),
            "ref": request.provider_reference,
            "message": request.answer_message,
        },
        data={"financing_request": request.pk, "status": request.status},
    )
    _touch(request.offer.opportunity_id)
    return request


@transaction.atomic
def financing_request_fail(*, request_id: int, message: str = "") -> FinancingRequest:
    """The provider could not be reached after the retries: "Erreur de transmission"."""
    request = (
        FinancingRequest.objects.select_for_update(of=("self",))
        .select_related("offer__opportunity")
        .get(pk=request_id)
    )
    if request.status != RequestStatus.SENT:
        return request
    request.fail()
    request.answer_message = (
        message or _("La financière n'a pas pu être jointe : refaites la demande.")
    )[:500]
    request.answered_at = timezone.now()
    request.save(update_fields=["status", "answer_message", "answered_at"])
    opportunity_event_record(
        opportunity=request.offer.opportunity,
        kind=OpportunityEvent.Kind.OFFER,
        message=_("Demande de financement n° %(n)s : erreur de transmission.") % {"n": request.pk},
        data={"financing_request": request.pk, "status": request.status},
    )
    return request
