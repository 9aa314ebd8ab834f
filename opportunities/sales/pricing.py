"""Offer totals (O-3): Decimal to the cent, never float, always computed on the server.

Amounts are entered TTC. The HT amount of each VAT-able line is rounded to the cent
(half up); the HT total is the sum of the rounded lines, and the VAT is what remains
between TTC and HT, so that the printed lines always add up. Administrative fees
(registration certificate, weight penalty) carry no VAT. The deposit is shown apart:
it is not part of the totals (O-6, "Acompte non compris dans les calculs").

A used vehicle sold under the margin scheme (``vat_regime="margin"``, article 297 A of
the CGI, issue 13) carries no apparent VAT: its price and the customer advantages
deducted from it count the same HT and TTC (``to_ht(amount, "margin")``), so the VAT
of such an offer is the VAT of its accessories, services and pack only (new goods and
services, at the normal rate). ``margin_total`` is what is sold under the margin scheme,
``vat_base`` the HT base of the normal rate:
``total_ht = margin_total + vat_base + administrative_fees``.
"""

from dataclasses import dataclass, field
from decimal import Decimal

# The VAT rate and the TTC → HT rule are written once, beside the money display; the
# ``|ht`` template filter uses the same function.
from openflex.core.money import (  # noqa: F401
    CENT,
    VAT_MARGIN,
    VAT_NORMAL,
    VAT_RATE,
    cents,
    parse_money,
    to_ht,
)

ZERO = Decimal("0.00")
MAX_AMOUNT = Decimal("9999999.99")
CASH_LIMIT = Decimal("1000.00")  # O-6: all the cash paid for one order (deposit + balance)


def parse_amount(raw) -> Decimal:
    """A French or English decimal ("1 250,50", "1250.5") → Decimal; ValueError otherwise
    (``openflex.core.money.parse_money``, the one parser of typed amounts)."""
    return parse_money(raw)


@dataclass(frozen=True)
class Line:
    kind: str  # remise | accessoire | prestation | pack
    label: str
    amount: Decimal  # TTC, positive; an advantage (remise) is deducted

    @property
    def amount_ht(self) -> Decimal:
        return to_ht(self.amount)


@dataclass
class Totals:
    vehicle_price: Decimal
    advantages: Decimal
    accessories: Decimal
    services: Decimal
    pack: Decimal
    administrative_fees: Decimal
    trade_in_value: Decimal
    deposit: Decimal
    vehicle_net: Decimal  # vehicle price minus advantages
    total_ttc: Decimal
    total_ht: Decimal
    vat: Decimal
    net_to_pay: Decimal  # total TTC minus the trade-in
    margin_total: Decimal = ZERO  # sold under the margin scheme: vehicle net, no VAT shown
    vat_base: Decimal = ZERO  # HT base of the normal VAT rate
    lines: list[Line] = field(default_factory=list)
    vat_regime: str = VAT_NORMAL  # the vehicle's (its price and the advantages on it)

    @property
    def is_margin_scheme(self) -> bool:
        return self.vat_regime == VAT_MARGIN

    @property
    def vehicle_price_ht(self) -> Decimal:
        return to_ht(self.vehicle_price, self.vat_regime)

    def _ht(self, kind: str) -> Decimal:
        return sum((line.amount_ht for line in self.lines if line.kind == kind), ZERO)

    @property
    def advantages_ht(self) -> Decimal:
        # Advantages are deducted from the vehicle's price: they follow its regime.
        return sum(
            (to_ht(line.amount, self.vat_regime) for line in self.lines if line.kind == "remise"),
            ZERO,
        )

    @property
    def accessories_ht(self) -> Decimal:
        return self._ht("accessoire")

    @property
    def services_ht(self) -> Decimal:
        return self._ht("prestation")

    @property
    def pack_ht(self) -> Decimal:
        return self._ht("pack")

    def as_dict(self) -> dict[str, str]:
        return {
            name: str(getattr(self, name))
            for name in (
                "vehicle_price",
                "advantages",
                "accessories",
                "services",
                "pack",
                "administrative_fees",
                "trade_in_value",
                "deposit",
                "vehicle_net",
                "total_ttc",
                "total_ht",
                "vat",
                "net_to_pay",
                "margin_total",
                "vat_base",
            )
        }


def compute(
    *,
    vehicle_price: Decimal,
    lines: list[Line],
    administrative_fees: Decimal = ZERO,
    trade_in_value: Decimal = ZERO,
    deposit: Decimal = ZERO,
    vat_regime: str = VAT_NORMAL,
) -> Totals:
    """``vat_regime`` is the vehicle's: ``"margin"`` puts its price and the advantages
    deducted from it under the margin scheme (no apparent VAT); the other lines are new
    goods and services, always at the normal rate."""

    def total(kind: str) -> Decimal:
        return sum((cents(line.amount) for line in lines if line.kind == kind), ZERO)

    vat_regime = VAT_MARGIN if vat_regime == VAT_MARGIN else VAT_NORMAL
    vehicle_price = cents(vehicle_price)
    advantages = total("remise")
    accessories, services, pack = total("accessoire"), total("prestation"), total("pack")
    vehicle_net = vehicle_price - advantages
    vehicle_net_ht = to_ht(vehicle_price, vat_regime) - sum(
        (to_ht(line.amount, vat_regime) for line in lines if line.kind == "remise"), ZERO
    )
    products_ht = sum((line.amount_ht for line in lines if line.kind != "remise"), ZERO)
    margin_total = vehicle_net if vat_regime == VAT_MARGIN else ZERO
    fees = cents(administrative_fees)
    total_ttc = vehicle_net + accessories + services + pack + fees
    total_ht = vehicle_net_ht + products_ht + fees
    trade_in = cents(trade_in_value)
    return Totals(
        vehicle_price=vehicle_price,
        advantages=advantages,
        accessories=accessories,
        services=services,
        pack=pack,
        administrative_fees=fees,
        trade_in_value=trade_in,
        deposit=cents(deposit),
        vehicle_net=vehicle_net,
        total_ttc=total_ttc,
        total_ht=total_ht,
        vat=total_ttc - total_ht,
        net_to_pay=total_ttc - trade_in,
        margin_total=margin_total,
        vat_base=total_ht - fees - margin_total,
        lines=list(lines),
        vat_regime=vat_regime,
    )


def errors(totals: Totals) -> dict[str, str]:
    """Business errors of a set of amounts, keyed by the form field they belong to."""
    from django.utils.translation import gettext as _

    found: dict[str, str] = {}
    if totals.advantages > totals.vehicle_price:
        found["advantages"] = _("Les avantages client dépassent le prix du véhicule.")
    if totals.total_ttc > MAX_AMOUNT:
        found["vehicle_price"] = _("Ce montant n'est pas plausible.")
    if totals.deposit > max(totals.net_to_pay, ZERO):
        found["deposit"] = _("L'acompte dépasse le montant à payer.")
    return found
