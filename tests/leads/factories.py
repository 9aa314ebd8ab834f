"""Factories of the leads (sources, keys, tasks)."""

import factory

from leads.inbox import services as inbox
from leads.inbox.models import LeadSettings, LeadTag
from leads.intake import services as intake
from leads.intake.models import LeadSource, LeadSourceCategory
from tests.accounts.factories import PointOfSaleFactory


class LeadSourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LeadSource

    name = factory.Sequence(lambda n: f"Site web {n}")
    category = factory.LazyFunction(
        lambda: LeadSourceCategory.objects.get_or_create(
            code="site-web", defaults={"name": "Site web", "position": 10}
        )[0]
    )


def api_key_for(source: LeadSource, raw: str = "") -> str:
    """A live key of ``source``; returns the raw secret."""
    _key, secret = intake.api_key_create(source=source, by=None, raw=raw)
    return secret


def lead_settings(point_of_sale, **fields) -> LeadSettings:
    obj, _created = LeadSettings.objects.update_or_create(
        point_of_sale=point_of_sale, defaults=fields
    )
    return obj


def tag(code: str) -> LeadTag:
    inbox.lead_reference_ensure()
    return LeadTag.objects.get(code=code)


def lead_task(point_of_sale=None, **fields):
    """A task through the service (so its reminder times are computed)."""
    inbox.lead_reference_ensure()
    fields.setdefault("last_name", "Dupont")
    fields.setdefault("first_name", "Jean")
    fields.setdefault("email", "jean.dupont@example.test")
    fields.setdefault("mobile", "06 12 34 56 78")
    return inbox.lead_task_create(point_of_sale=point_of_sale or PointOfSaleFactory(), **fields)
