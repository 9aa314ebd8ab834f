import random
from decimal import Decimal

import factory

from tests.accounts.factories import PhysicalSiteFactory
from vehicles.models import Destination, Energy, Genre, Parc, Vehicle

VIN_CHARS = "ABCDEFGHJKLMNPRSTUVWXYZ0123456789"


def make_vin(n: int) -> str:
    rng = random.Random(n)  # noqa: S311
    return "VF1" + "".join(rng.choice(VIN_CHARS) for _ in range(14))


class VehicleFactory(factory.django.DjangoModelFactory):
    """A vehicle of the stock; pass ``status=`` here (the status field is protected)."""

    class Meta:
        model = Vehicle

    parc = Parc.VO
    genre = Genre.VP
    destination = Destination.PRIVATE
    brand = "Renault"
    model = "Clio"
    version = "TCe 90 Evolution"
    energy = Energy.PETROL
    vin = factory.Sequence(make_vin)
    registration = factory.Sequence(lambda n: f"AB-{100 + n % 900}-CD")
    internal_number = factory.Sequence(lambda n: f"INT-{n:05d}")
    mileage = 25000
    physical_site = factory.SubFactory(PhysicalSiteFactory)
    point_of_sale = factory.LazyAttribute(lambda o: o.physical_site.point_of_sale)
    selling_price = Decimal("15000.00")


def local_days_ago(days: int):
    """Noon, ``days`` calendar days ago in the local time zone: the "days since" and "days
    late" counters count calendar days, and ``now - timedelta(days=…)`` lands on another
    date near midnight (and one hour off across a daylight-saving change). Noon keeps the
    date whatever the hour the tests run at; it is more than ``days - 1`` × 24 h ago."""
    from datetime import datetime, time, timedelta

    from django.utils import timezone

    return timezone.make_aware(
        datetime.combine(timezone.localdate() - timedelta(days=days), time(12))
    )
