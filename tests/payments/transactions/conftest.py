"""A point of sale with its sales team and the sandbox provider configured, a customer
with everything an e-payment needs, and an order with a card deposit."""

from decimal import Decimal

import pytest

from openflex.outbox.models import Effect
from opportunities.sales import services as sales
from opportunities.sales.models import Order
from payments.providers.services import SANDBOX_CALLBACK, sandbox_decide
from payments.transactions.models import Payment
from payments.transactions.services.checkout import payment_checkout
from tests.accounts.factories import UserFactory
from tests.opportunities.conftest import (  # noqa: F401 — fixtures shared with the sale side
    car,
    customer,
    draft_order,
    manager,
    offer,
    opportunity,
    pos,
    secretary,
    seller,
    site,
    validated_offer,
)
from tests.opportunities.sales.journey import reach
from tests.payments.factories import PaymentConfigurationFactory

SHA_IN = "Sandbox-SHA-IN-passphrase"
SHA_OUT = "Sandbox-SHA-OUT-passphrase"


@pytest.fixture
def config(pos):  # noqa: F811
    return PaymentConfigurationFactory(
        point_of_sale=pos, provider="sandbox", pspid="OPENFLEX", sha_in=SHA_IN, sha_out=SHA_OUT
    )


@pytest.fixture
def director(pos):  # noqa: F811
    return UserFactory(group_type="directeur", points_of_sale=[pos], rights=["validate_orders"])


@pytest.fixture
def card_order(draft_order, seller):  # noqa: F811
    """A draft order whose 1 000 € deposit is paid by card, online."""
    return sales.order_payment_update(
        order=draft_order,
        by=seller,
        balance_method="virement",
        deposit_amount=Decimal("1000.00"),
        deposit_method="carte",
        deposit_not_online=False,
    )


@pytest.fixture
def validated_order(card_order, seller, manager, config):  # noqa: F811
    """Validated (commandée): the receiver created the payment and queued its email."""
    return reach(card_order, Order.Status.ORDERED, seller=seller, manager=manager)


@pytest.fixture
def payment(validated_order):
    return Payment.objects.get(order=validated_order)


def sandbox_pay(payment: Payment, decision: str = "pay") -> tuple[str, dict]:
    """The customer on the sandbox page: returns (the return URL, the callback's params).
    The hosted page request is the one the link page builds; the callback is the one the
    sandbox queued in the outbox."""
    payment.refresh_from_db()
    page = payment_checkout(payment=payment, config=payment.point_of_sale.payment_configuration)
    url = sandbox_decide(params=page.fields, decision=decision)
    effect = Effect.objects.filter(kind=SANDBOX_CALLBACK).order_by("-pk").first()
    return url, effect.payload["params"]
