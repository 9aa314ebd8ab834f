"""Expanding a pack into offer lines is written once (``packs.pack_lines``, issue 11): the
new offer, the builder's preview, the saved offer and a deleted pack's replacement agree."""

from decimal import Decimal

import pytest
from django.urls import reverse

from openflex.core.money import format_money
from opportunities.products import packs
from opportunities.sales import services
from opportunities.sales.models import OfferLine
from tests.opportunities.factories import PackElementFactory, PackFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def pack(db):
    pack = PackFactory(name="Pack Or", price=Decimal("500.00"))
    PackElementFactory(pack=pack, label="Plaques", price=Decimal("120.00"), position=1)
    PackElementFactory(pack=pack, label="Lavage", price=Decimal("180.00"), position=2)
    return pack


def saved_pack_lines(offer) -> list[tuple[str, Decimal]]:
    lines = OfferLine.objects.filter(offer=offer, kind=OfferLine.Kind.PACK)
    return list(lines.order_by("position", "pk").values_list("label", "amount"))


def test_a_pack_expands_into_its_elements_or_into_one_line():
    detailed = PackFactory(price=Decimal("500.00"))
    first = PackElementFactory(pack=detailed, label="A", price=Decimal("10.00"), position=1)
    PackElementFactory(pack=detailed, label="B", price=Decimal("20.00"), position=2)
    bare = PackFactory(name="Pack nu", price=Decimal("300.00"))

    assert [(x.label, x.amount) for x in packs.pack_lines(detailed)] == [
        ("A", Decimal("10.00")),
        ("B", Decimal("20.00")),
    ]
    assert [x.element for x in packs.pack_lines(detailed, keep={first.pk})] == [first]
    assert [(x.label, x.amount, x.element) for x in packs.pack_lines(bare)] == [
        ("Pack nu", Decimal("300.00"), None)
    ]
    assert packs.pack_lines(None) == []


def test_new_offer_builder_preview_and_saved_offer_agree(client, seller, offer, pack):
    fresh = services.offer_create(opportunity=offer.opportunity, vehicle=offer.vehicle, by=seller)
    assert fresh.pack == pack
    assert saved_pack_lines(fresh) == [
        ("Plaques", Decimal("120.00")),
        ("Lavage", Decimal("180.00")),
    ]

    kept = pack.elements.get(label="Lavage")
    client.force_login(seller)
    data = {
        "vehicle_price": "15000",
        "administrative_fees": "0",
        "trade_in_value": "0",
        "deposit": "0",
        "show_ht": "0",
        "pack": str(pack.pk),
        "previous_pack": str(pack.pk),
        "pack_element": [str(kept.pk)],
    }
    url = reverse("opportunities:offer_detail", args=[fresh.pk])
    preview = client.post(url, data, HTTP_HX_REQUEST="true").content.decode()
    client.post(url, {**data, "save": "1"})

    assert saved_pack_lines(fresh) == [("Lavage", Decimal("180.00"))]
    total = services.offer_totals(fresh)
    assert total.total_ttc == Decimal("15180.00")
    assert format_money(total.total_ttc) in preview
