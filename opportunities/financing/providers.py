"""Financing providers (V-13): the adapter interface, the registry, the sandbox provider.

A provider (the seeds name the CGI interface) does two things for the product:

- ``simulate(vehicle, price=…)``: the automatic simulations that it offers on a vehicle,
  as plain dicts (``label``, ``down_payment``, ``duration_months``, ``annual_rate``,
  ``services_monthly``); the monthly payment is always computed by OpenFlex
  (``financing.financing_compute``) so that every screen shows the same cent;
- ``request(financing_request)``: sends a financing request and returns the agreement
  in principle (``ProviderAnswer``); a transient failure raises ``ProviderError`` (the
  task retries, then records "Erreur de transmission").

The provider in use is ``settings.FINANCING_PROVIDER`` (default ``"sandbox"``). A real
adapter registers itself here with ``register(MyProvider())``.

The sandbox provider ("CGI (bac à sable)") is deterministic, for development and tests:

- simulations only for VD and VO (a VN is financed by the brand's captive, not by this
  contract) priced at least ``SANDBOX_MIN_PRICE``; a grid of durations and down
  payments (0 % and 20 % of the price, rounded down to 10 €) at fixed rates per parc;
- a request is answered at once: favourable when the applicant's debt ratio, (monthly
  charges + the requested monthly payment) / monthly income, is at most 33 %;
  unfavourable otherwise (or when no income is declared). The reference is
  ``CGI-SBX-`` followed by the request number on 8 digits.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_FLOOR, Decimal
from typing import Protocol, runtime_checkable

from django.conf import settings

from vehicles.models import Parc

DEFAULT_PROVIDER = "sandbox"
DEBT_RATIO_LIMIT = Decimal("0.33")
SANDBOX_MIN_PRICE = Decimal("1000.00")
ZERO = Decimal("0.00")

# (duration in months, down payment as a share of the price) offered for each parc,
# with the sandbox's annual rate (%) per parc and duration.
SANDBOX_GRID = [(36, 0), (48, 0), (60, 0), (48, 20), (60, 20), (72, 20)]
SANDBOX_RATES = {
    Parc.VO: {
        36: Decimal("5.200"),
        48: Decimal("5.500"),
        60: Decimal("5.900"),
        72: Decimal("6.400"),
    },
    Parc.VD: {
        36: Decimal("3.900"),
        48: Decimal("4.200"),
        60: Decimal("4.500"),
        72: Decimal("4.900"),
    },
}


class ProviderError(Exception):
    """The provider could not be reached or answered nonsense (transient: retry)."""


@dataclass(frozen=True)
class ProviderAnswer:
    favourable: bool
    reference: str
    message: str


@runtime_checkable
class FinancingProvider(Protocol):
    key: str
    name: str

    def simulate(self, vehicle, *, price: Decimal | None = None) -> list[dict]: ...

    def request(self, financing_request) -> ProviderAnswer: ...


_providers: dict[str, FinancingProvider] = {}


def register(provider: FinancingProvider) -> FinancingProvider:
    _providers[provider.key] = provider
    return provider


def provider_get(key: str | None = None) -> FinancingProvider:
    key = key or getattr(settings, "FINANCING_PROVIDER", "") or DEFAULT_PROVIDER
    try:
        return _providers[key]
    except KeyError as exc:
        raise LookupError(f"Unknown financing provider {key!r}") from exc


def _floor_ten(amount: Decimal) -> Decimal:
    return (amount / 10).quantize(Decimal("1"), rounding=ROUND_FLOOR) * 10


class SandboxProvider:
    key = "sandbox"
    name = "CGI (bac à sable)"

    def simulate(self, vehicle, *, price: Decimal | None = None) -> list[dict]:
        price = price if price is not None else vehicle.selling_price
        rates = SANDBOX_RATES.get(vehicle.parc)
        if rates is None or price is None or price < SANDBOX_MIN_PRICE:
            return []
        result = []
        for duration, share in SANDBOX_GRID:
            down = _floor_ten(price * share / 100).quantize(Decimal("0.01")) if share else ZERO
            rate = rates[duration]
            label = f"Crédit classique {duration} mois"
            if share:
                label += f", apport {share} %"
            result.append(
                {
                    "label": label,
                    "price": price,
                    "down_payment": down,
                    "duration_months": duration,
                    "annual_rate": rate,
                    "services_monthly": ZERO,
                }
            )
        return result

    def request(self, financing_request) -> ProviderAnswer:
        applicant = financing_request.applicant or {}
        reference = f"CGI-SBX-{financing_request.pk:08d}"
        try:
            income = Decimal(str(applicant.get("monthly_income") or "0"))
            charges = Decimal(str(applicant.get("monthly_charges") or "0"))
        except ArithmeticError as exc:  # decimal.InvalidOperation
            raise ProviderError("unreadable income") from exc
        if income <= 0:
            return ProviderAnswer(
                False, reference, "Accord défavorable : aucun revenu mensuel déclaré."
            )
        ratio = (charges + financing_request.monthly_payment) / income
        percent = str((ratio * 100).quantize(Decimal("0.1"))).replace(".", ",")
        if ratio <= DEBT_RATIO_LIMIT:
            return ProviderAnswer(
                True,
                reference,
                f"Accord de principe favorable (taux d'endettement {percent} %).",
            )
        return ProviderAnswer(
            False,
            reference,
            f"Accord défavorable : taux d'endettement {percent} % supérieur à 33 %.",
        )


register(SandboxProvider())
