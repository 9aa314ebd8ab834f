"""Offer totals (O-3): Decimal to the cent, never float, always computed on the server.

Amounts are entered TTC. The HT amount of each VAT-able line is rounded to the cent
(half up); the HT total is the sum of the rounded lines, and the VAT is what remains
between TTC and HT, so that the printed lines always add up. Administrative fees
(registration certificate, weight penalty) carry no VAT. The deposit is shown apart:
it is not part of the totals (O-6, "Acompte non compris dans les calculs").
"""

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

# The VAT rate and the TTC → HT rule are written once, beside the money display; the
# ``|ht`` template filter uses the same function.
from openflex.core.money import CENT, VAT_RATE, cents, to_ht  # noqa: F401

ZERO = Decimal("0.00")
MAX_AMOUNT = Decimal("9999999.99")
CASH_LIMIT = Decimal("1000.00")  # O-6: all the cash paid for one order (deposit + balance)


def parse_amount(raw) -> Decimal:
    """A French or English decimal ("1 250,50", "1250.5") → Decimal; ValueError otherwise."""
    if isinstance(raw, Decimal):
        value = raw
    else:
        text = str(raw or "").strip().replace("\u00a0", "").replace("\u202f", "").replace(" ", "")
        text = text.replace("€", "").replace(",", ".")
        if not text:
            return ZERO
        try:
            value = Decimal(text)
        except InvalidOperation as exc:
            raise ValueError(text) from exc
    if not value.is_finite():
        raise ValueError(str(raw))
    try:
        return cents(value)
    except InvalidOperation as exc:  # "1e30": too many digits to hold cents
        raise ValueError(str(raw)) from exc


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
    lines: list[Line] = field(default_factory=list)

    @property
    def vehicle_price_ht(self) -> Decimal:
        return to_ht(self.vehicle_price)

    def _ht(self, kind: str) -> Decimal:
        return sum((line.amount_ht for line in self.lines if line.kind == kind), ZERO)

    @property
    def advantages_ht(self) -> Decimal:
        return self._ht("remise")

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
            )
        }


def compute(
    *,
    vehicle_price: Decimal,
    lines: list[Line],
    administrative_fees: Decimal = ZERO,
    trade_in_value: Decimal = ZERO,
    deposit: Decimal = ZERO,
) -> Totals:
    def total(kind: str) -> Decimal:
        return sum((cents(line.amount) for line in lines if line.kind == kind), ZERO)

    vehicle_price = cents(vehicle_price)
    advantages = total("remise")
    accessories, services, pack = total("accessoire"), total("prestation"), total("pack")
    vehicle_net = vehicle_price - advantages
    vatable_ttc = vehicle_net + accessories + services + pack
    vatable_ht = to_ht(vehicle_price) - sum(
        (line.amount_ht for line in lines if line.kind == "remise"), ZERO
    )
    vatable_ht += sum((line.amount_ht for line in lines if line.kind != "remise"), ZERO)
    fees = cents(administrative_fees)
    total_ttc = vatable_ttc + fees
    total_ht = vatable_ht + fees
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
        lines=list(lines),
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
