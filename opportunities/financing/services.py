"""Every write on financing (V-13): vehicle and offer simulations, financing requests."""

import logging
from datetime import date
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from openflex.core.money import format_money
from openflex.outbox.services import effect_enqueue, effect_key
from opportunities.financing import providers
from opportunities.financing.annuity import (
    CENT,
    EMPLOYMENTS,
    FINANCED_PARCS,
    MAX_AMOUNT,
    ZERO,
    Kind,
    RequestStatus,
    financing_compute,
)
from opportunities.financing.models import FinancingRequest, FinancingSimulation
from opportunities.financing.selectors import (
    financing_featured,
    financing_request_refusal,
    financing_vehicle_simulations,
    user_can_configure,
)
from opportunities.sales.models import Offer, Opportunity, OpportunityEvent
from opportunities.sales.services import offer_totals, opportunity_event_record
from vehicles.models import StandardStatus, Vehicle
from vehicles.services import vehicle_get_locked, vehicle_monthly_payment_set

logger = logging.getLogger(__name__)

SEND_EFFECT = "financing.request_send"
SEND_ATTEMPTS = 6  # the first call and five retries (30 s … 8 min apart)
REFRESH_EFFECT = "financing.simulations_refresh"


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
    locked = vehicle_get_locked(pk=vehicle.pk, skip_locked=skip_locked)
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
    locked = vehicle_get_locked(pk=vehicle.pk)
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
    locked = vehicle_get_locked(pk=simulation.vehicle_id)
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
    locked = vehicle_get_locked(pk=vehicle.pk)
    FinancingSimulation.objects.filter(vehicle=locked, is_default=True).update(is_default=False)
    _sync_vehicle(locked)


@transaction.atomic
def financing_simulation_delete(*, simulation: FinancingSimulation, by) -> None:
    """Remove a custom simulation (automatic ones come back with the next refresh)."""
    _check_configure(by, simulation.vehicle)
    if simulation.kind != Kind.CUSTOM:
        raise ValidationError(_("Seule une simulation personnalisée peut être supprimée."))
    locked = vehicle_get_locked(pk=simulation.vehicle_id)
    FinancingSimulation.objects.filter(pk=simulation.pk).delete()
    _sync_vehicle(locked)


def financing_follow_vehicle_status(*, vehicle, to_status) -> None:
    """A VD/VO entering the sales stock gets its automatic simulations after commit."""
    if to_status != StandardStatus.SALES_STOCK or vehicle.parc not in FINANCED_PARCS:
        return
    effect_enqueue(
        kind=REFRESH_EFFECT,
        key=effect_key("financing-refresh", vehicle.pk),
        payload={"vehicle_id": vehicle.pk},
    )


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


def opportunity_touch(opportunity_id: int) -> None:
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
    opportunity_touch(offer.opportunity_id)
    # The provider call leaves the transaction: the outbox sends it after the commit and
    # retries it with backoff; after the last attempt the request is in error.
    effect_enqueue(
        kind=SEND_EFFECT, key=f"financing-request:{request.pk}", payload={"request_id": request.pk}
    )
    return request


def financing_request_send(*, request_id: int) -> FinancingRequest | None:
    """Send a waiting request to its provider and record the answer (idempotent).

    The provider is called outside any transaction; ``ProviderError`` propagates so
    that the outbox retries."""
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
    opportunity_touch(request.offer.opportunity_id)
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
