"""A known data set for the lead statistics (L-5, L-6): the figures the tests expect are
worked out by hand in ``test_statistics.py``."""

from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.utils import timezone

from leads.inbox import services as inbox
from leads.inbox.models import LeadStatus, LeadTag, LeadTask
from leads.intake.models import LeadSource, LeadSourceCategory
from opportunities.sales.services.core import opportunity_win
from opportunities.tradeins import services as tradeins
from tests.accounts.factories import EntityFactory, PointOfSaleFactory, UserFactory
from tests.leads.calls.factories import CallFactory, TrackingNumberFactory
from tests.opportunities.factories import CustomerFactory, OpportunityFactory
from tests.vehicles.factories import local_days_ago


def make_task(*, pos, source, days_ago, tags=(), status=LeadStatus.NEW, **fields):
    """A task received at local noon ``days_ago`` days ago; ``fields`` set afterwards
    (assignee, first action …: the facts the statistics read)."""
    received = local_days_ago(days_ago)
    task = inbox.lead_task_create(
        point_of_sale=pos,
        source=source,
        status=status,
        tags=[LeadTag.objects.get(code=c) for c in tags],
        received_at=received,
        last_name="Client",
    )
    minutes = fields.pop("first_action_after", None)
    if minutes is not None:
        fields["first_action_at"] = received + timedelta(minutes=minutes)
        fields.setdefault("last_action_at", fields["first_action_at"])
    if fields:
        LeadTask.objects.filter(pk=task.pk).update(**fields)
        task.refresh_from_db()
    return task


@pytest.fixture
def world(db):
    inbox.lead_reference_ensure()
    pos_a = PointOfSaleFactory(name="Lyon")
    pos_b = PointOfSaleFactory(name="Villeurbanne", entity=pos_a.entity)
    pos_c = PointOfSaleFactory(name="Grenoble", entity=EntityFactory())
    web = LeadSourceCategory.objects.get(code="site-web")
    portal = LeadSourceCategory.objects.get(code="portail")
    site = LeadSource.objects.create(name="Site web Lyon", category=web)
    leboncoin = LeadSource.objects.create(name="Leboncoin", category=portal)
    centrale = LeadSource.objects.create(name="La Centrale", category=portal)
    manager = UserFactory(group_type="chef-des-ventes", points_of_sale=[pos_a, pos_b])
    seller1 = UserFactory(
        group_type="vendeur", points_of_sale=[pos_a], first_name="Paul", last_name="Durand"
    )
    seller2 = UserFactory(
        group_type="vendeur", points_of_sale=[pos_b], first_name="Zoé", last_name="Martin"
    )
    t1 = make_task(
        pos=pos_a,
        source=site,
        days_ago=3,
        tags=("vn",),
        status=LeadStatus.FOLLOW_UP,
        assigned_to=seller1,
        first_action_after=10,
    )
    t2 = make_task(
        pos=pos_a,
        source=site,
        days_ago=2,
        tags=("vo",),
        assigned_to=seller1,
        first_action_after=30,
    )
    t3 = make_task(
        pos=pos_b,
        source=leboncoin,
        days_ago=2,
        status=LeadStatus.DROPPED,
        assigned_to=seller2,
        first_action_after=60,
    )
    t4 = make_task(pos=pos_a, source=centrale, days_ago=1, tags=("vd",), created_by=manager)
    # Out of scope: another entity's point of sale; out of the period: 40 days ago.
    make_task(pos=pos_c, source=leboncoin, days_ago=2, assigned_to=seller2, first_action_after=1)
    make_task(pos=pos_a, source=site, days_ago=40, assigned_to=seller1, first_action_after=1)
    number = TrackingNumberFactory(point_of_sale=pos_a)
    CallFactory(tracking_number=number, task=t1, answered=True, duration_seconds=95)
    CallFactory(tracking_number=number, task=t2, answered=False)
    # T1 converted; its opportunity won with a trade-in.
    customer = CustomerFactory(point_of_sale=pos_a)
    opportunity = OpportunityFactory(customer=customer, point_of_sale=pos_a, salesperson=seller1)
    tradeins.tradein_create(
        opportunity=opportunity,
        by=seller1,
        kind="seche",
        destination="particulier",
        brand="Peugeot",
        model="308",
        energy="essence",
        mileage=62000,
    )
    opportunity_win(opportunity=opportunity, by=seller1, message="Gagnée")
    LeadTask.objects.filter(pk=t1.pk).update(opportunity=opportunity, converted_at=timezone.now())
    return SimpleNamespace(
        pos_a=pos_a,
        pos_b=pos_b,
        pos_c=pos_c,
        manager=manager,
        seller1=seller1,
        seller2=seller2,
        tasks=(t1, t2, t3, t4),
        sources=(site, leboncoin, centrale),
        number=number,
    )
