"""Which delivery pack an offer proposes first (V-10): the dearest compatible pack; on a
tie the most recent; none when nothing fits. Compatibility: type, brand, energy, model."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from opportunities.products import packs
from opportunities.sales import services
from opportunities.sales.models import OfferLine
from tests.opportunities.factories import PackElementFactory, PackFactory, ProductFactory
from tests.vehicles.factories import VehicleFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def clio(site):
    """A used petrol Renault Clio in sales stock."""
    return VehicleFactory(
        physical_site=site, status="stock_vente", parc="VO", brand="Renault", model="Clio"
    )


def test_dearest_compatible_pack_is_proposed(clio):
    """V-10: among compatible packs, the most expensive one is pre-selected."""
    PackFactory(price=Decimal("290.00"))
    dear = PackFactory(price=Decimal("590.00"))
    PackFactory(price=Decimal("490.00"))
    assert packs.best_pack(clio) == dear
    assert [p.price for p in packs.compatible_packs(clio)] == [
        Decimal("590.00"),
        Decimal("490.00"),
        Decimal("290.00"),
    ]


def test_tie_on_price_goes_to_the_most_recent(clio):
    """V-10: between two packs at the same price, the most recent one."""
    now = timezone.now()
    PackFactory(price=Decimal("490.00"), created_at=now - timedelta(days=3))
    recent = PackFactory(price=Decimal("490.00"), created_at=now - timedelta(days=1))
    PackFactory(price=Decimal("490.00"), created_at=now - timedelta(days=2))
    assert packs.best_pack(clio) == recent


def test_an_incompatible_dearer_pack_is_not_proposed(clio):
    """V-10: a dearer pack that does not fit the vehicle is never pre-selected."""
    fitting = PackFactory(price=Decimal("300.00"))
    PackFactory(price=Decimal("900.00"), vehicle_types=["VN"])
    PackFactory(price=Decimal("900.00"), brands=["Peugeot"])
    PackFactory(price=Decimal("900.00"), energies=["electrique"])
    PackFactory(price=Decimal("900.00"), model_names=["Captur"])
    assert packs.best_pack(clio) == fitting


@pytest.mark.parametrize(
    ("criteria", "fits"),
    [
        ({}, True),  # empty lists: every vehicle
        ({"vehicle_types": ["VO", "VD"]}, True),
        ({"vehicle_types": ["VN"]}, False),
        ({"brands": ["renault", "Dacia"]}, True),  # case ignored
        ({"brands": [" Renault "]}, True),  # spaces ignored
        ({"brands": ["Peugeot"]}, False),
        ({"energies": ["essence", "diesel"]}, True),
        ({"energies": ["electrique"]}, False),
        ({"model_names": ["Clio"]}, True),
        ({"model_names": ["Captur", "Megane"]}, False),
        ({"vehicle_types": ["VO"], "brands": ["Renault"], "model_names": ["Clio"]}, True),
        ({"vehicle_types": ["VO"], "brands": ["Renault"], "energies": ["diesel"]}, False),
    ],
)
def test_pack_fits_type_brand_energy_and_model(clio, criteria, fits):
    """V-10: a pack declares the types, brands, energies and models it fits."""
    assert packs.pack_fits(PackFactory(**criteria), clio) is fits


def test_no_pack_when_nothing_fits(clio):
    """V-10: none is proposed when no pack fits (accessories are never packs)."""
    PackFactory(vehicle_types=["VN"])
    ProductFactory(kind="accessoire", price=Decimal("5000.00"))
    assert packs.best_pack(clio) is None
    assert packs.compatible_packs(clio) == []


def test_exclude_gives_the_best_remaining_pack(clio):
    """V-10: after a deletion the offer gets the best remaining pack."""
    first = PackFactory(price=Decimal("590.00"))
    second = PackFactory(price=Decimal("490.00"))
    assert packs.best_pack(clio, exclude=[first.pk]) == second
    assert packs.best_pack(clio, exclude=[first.pk, second.pk]) is None


def test_offer_preselects_the_best_pack_with_its_elements(opportunity, clio, seller):
    """V-10: an offer is prepared with the best pack and all its elements as lines."""
    PackFactory(price=Decimal("100.00"))
    best = PackFactory(price=Decimal("300.00"))
    PackElementFactory(pack=best, label="Plaques", price=Decimal("100.00"), position=0)
    PackElementFactory(pack=best, label="Plein", price=Decimal("200.00"), position=1)
    offer = services.offer_create(opportunity=opportunity, vehicle=clio, by=seller)
    assert offer.pack == best
    lines = list(offer.lines.filter(kind=OfferLine.Kind.PACK))
    assert [(line.label, line.amount) for line in lines] == [
        ("Plaques", Decimal("100.00")),
        ("Plein", Decimal("200.00")),
    ]


def test_offer_without_fitting_pack_has_no_pack(opportunity, clio, seller):
    """V-10: none when nothing fits."""
    PackFactory(brands=["Peugeot"])
    offer = services.offer_create(opportunity=opportunity, vehicle=clio, by=seller)
    assert offer.pack is None
    assert not offer.lines.filter(kind=OfferLine.Kind.PACK).exists()
