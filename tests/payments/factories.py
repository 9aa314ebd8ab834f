"""Factories of the e-payment (rows built directly: the services are tested on their own).

Shared by PAY-CORE and PAY-BOARD: add, do not rewrite."""

from decimal import Decimal

import factory
from django.utils import timezone

from payments.transactions.models import Payment, PaymentConfiguration
from tests.accounts.factories import PointOfSaleFactory
from tests.vehicles.factories import VehicleFactory


class PaymentConfigurationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PaymentConfiguration

    point_of_sale = factory.SubFactory(PointOfSaleFactory)
    provider = "sandbox"
    pspid = "OPENFLEXTEST"
    sha_in = "Mysecretsig1875!?"
    sha_out = "ShaOutPassphrase-42"


class PaymentFactory(factory.django.DjangoModelFactory):
    """A deposit payment link sent today; pass ``order`` for a deposit of a real order,
    ``status=`` to start elsewhere (rows only: no event, no signal)."""

    class Meta:
        model = Payment

    kind = Payment.Kind.DEPOSIT
    vehicle = factory.SubFactory(VehicleFactory)
    point_of_sale = factory.LazyAttribute(lambda p: p.vehicle.point_of_sale)
    entity = factory.LazyAttribute(lambda p: p.point_of_sale.entity)
    civility = "Mme"
    first_name = "Claire"
    last_name = factory.Sequence(lambda n: f"Dupont{n}")
    email = factory.Sequence(lambda n: f"payeur{n}@example.test")
    mobile = "0612345678"
    amount = Decimal("1500.00")
    provider = "sandbox"
    document_number = factory.Sequence(lambda n: 900000 + n)
    attempt = 1
    reference = factory.LazyAttribute(
        lambda p: (
            f"{p.entity.code:05d}_{p.point_of_sale.code:06d}_"
            f"{Payment.KIND_DIGIT[p.kind]}{p.document_number:010d}_{p.attempt}"
        )
    )
    link_sent_at = factory.LazyFunction(timezone.now)
