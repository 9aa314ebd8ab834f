"""The annuity, to the cent, with validation keyed by field (V-13). No database."""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation, localcontext

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from openflex.core.money import format_money
from opportunities.financing.models import FinancingRequest, FinancingSimulation
from vehicles.models import Parc

CENT = Decimal("0.01")


ZERO = Decimal("0.00")


MAX_AMOUNT = Decimal("9999999.99")


MIN_DURATION, MAX_DURATION = 6, 120


MIN_RATE, MAX_RATE = Decimal("0"), Decimal("25")


FINANCED_PARCS = (Parc.VO, Parc.VD)


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
