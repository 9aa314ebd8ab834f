"""Factories of the tracking numbers and calls (L-3)."""

import factory
from django.utils import timezone

from leads.calls.models import Call, TrackingNumber
from leads.inbox.services import lead_reference_ensure
from leads.intake.models import LeadSource, LeadSourceCategory
from tests.accounts.factories import PointOfSaleFactory


def phone_source(name: str = "Opérateur téléphonie") -> LeadSource:
    lead_reference_ensure()
    category = LeadSourceCategory.objects.get(code="telephone")
    return LeadSource.objects.get_or_create(name=name, defaults={"category": category})[0]


class TrackingNumberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TrackingNumber
        skip_postgeneration_save = True

    point_of_sale = factory.SubFactory(PointOfSaleFactory)
    number = factory.Sequence(lambda n: f"+3347899{n:04d}")
    label = factory.Sequence(lambda n: f"Site web {n}")


class CallFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Call

    source = factory.LazyFunction(phone_source)
    provider_call_id = factory.Sequence(lambda n: f"call-{n}")
    tracking_number = factory.SubFactory(TrackingNumberFactory)
    point_of_sale = factory.LazyAttribute(lambda o: o.tracking_number.point_of_sale)
    caller = factory.Sequence(lambda n: f"+3361{n:07d}")
    started_at = factory.LazyFunction(timezone.now)
    answered = False
