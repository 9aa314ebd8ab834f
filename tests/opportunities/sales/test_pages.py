"""The pages of the sales journey answer, scoped to the user (O-1 … O-6, O-9, X-2)."""

from decimal import Decimal

import pytest
from django.urls import reverse

from opportunities.sales import services
from opportunities.sales.models import Offer, OfferLine, Order
from tests.accounts.factories import PointOfSaleFactory, UserFactory
from tests.lists import assert_list_queries
from tests.opportunities.factories import OpportunityFactory, PackElementFactory, PackFactory

pytestmark = pytest.mark.django_db


def test_customer_pages(client, seller, customer):
    client.force_login(seller)
    page = client.get(reverse("opportunities:customers"), {"q": customer.last_name})
    assert page.status_code == 200
    assert customer.last_name in page.content.decode()
    detail = client.get(reverse("opportunities:customer_detail", args=[customer.pk]))
    assert detail.status_code == 200


def test_customer_create_warns_about_a_duplicate_and_keeps_what_was_typed(client, seller, customer):
    """O-2: the same email warns before a second record is created."""
    client.force_login(seller)
    data = {
        "kind": "particulier",
        "last_name": "Autre",
        "first_name": "Zoé",
        "email": customer.email,
    }
    page = client.post(reverse("opportunities:customer_create"), data)
    assert page.status_code == 400
    body = page.content.decode()
    assert "existe peut-être déjà" in body and 'value="Autre"' in body
    page = client.post(reverse("opportunities:customer_create"), {**data, "allow_duplicate": "on"})
    assert page.status_code == 302


def test_opportunity_page_and_tabs(client, seller, opportunity, offer):
    client.force_login(seller)
    for tab in ("offres", "commandes", "rdv", "historique"):
        page = client.get(reverse("opportunities:detail", args=[opportunity.pk]), {"onglet": tab})
        assert page.status_code == 200
    assert "Faire une nouvelle offre" in page.content.decode()


def test_another_salesperson_cannot_open_the_opportunity(client, opportunity, pos):
    other = UserFactory(group_type="vendeur", points_of_sale=[pos])
    client.force_login(other)
    assert client.get(reverse("opportunities:detail", args=[opportunity.pk])).status_code == 404
    page = client.post(
        reverse("opportunities:action", args=[opportunity.pk, "abandon"]), {"abandon-reason": "x"}
    )
    assert page.status_code == 404


def test_opportunity_list_query_count_does_not_grow(client, manager, pos):
    """X-2: the list's query count is the same for 2 and for 12 opportunities."""
    client.force_login(manager)
    counts = assert_list_queries(
        client,
        reverse("opportunities:index"),
        lambda n: OpportunityFactory.create_batch(n, customer__point_of_sale=pos),
        budget=9,
    )
    assert counts.html.count("badge-opp-en_cours") == 12


def test_offer_builder_recomputes_on_the_server(client, seller, offer):
    """O-3: the HTMX summary is recomputed from the posted lines, nothing saved."""
    client.force_login(seller)
    data = {
        "vehicle_price": "15000",
        "administrative_fees": "276,76",
        "trade_in_value": "2000",
        "deposit": "500",
        "show_ht": "0",
        "line_kind": ["remise", "accessoire"],
        "line_label": ["Remise fidélité", "Tapis"],
        "line_amount": ["1000", "99,99"],
        "line_product": ["", ""],
    }
    page = client.post(
        reverse("opportunities:offer_detail", args=[offer.pk]), data, HTTP_HX_REQUEST="true"
    )
    assert page.status_code == 200
    body = page.content.decode()
    assert 'id="builder"' in body and "<html" not in body
    # 15 000 − 1 000 + 99,99 + 276,76 = 14 376,75
    assert "14\u00a0376,75\u00a0€" in body
    assert not OfferLine.objects.filter(offer=offer, label="Tapis").exists()
    data["save"] = "1"
    page = client.post(reverse("opportunities:offer_detail", args=[offer.pk]), data)
    assert page.status_code == 302
    offer.refresh_from_db()
    assert offer.administrative_fees == Decimal("276.76")
    assert OfferLine.objects.filter(offer=offer, label="Tapis", amount=Decimal("99.99")).exists()


LINES_CARD = "Avantages client, accessoires et prestations"


@pytest.mark.parametrize("show_ht", [False, True], ids=["ttc", "ht"])
def test_a_decided_offer_with_only_pack_lines_shows_them_in_the_pack_card(
    client, seller, offer, show_ht
):
    """#13: the lines card of a validated offer with only pack lines was an empty box; the
    pack lines show in the pack card (where the builder chose them), and the lines card
    only when it has lines."""
    pack = PackFactory(name="Pack Sérénité")
    kept = PackElementFactory(pack=pack, label="Plein de carburant", price=Decimal("120.00"))
    PackElementFactory(pack=pack, label="Tapis de sol", price=Decimal("60.00"))
    services.offer_update(
        offer=offer,
        by=seller,
        vehicle_price=Decimal("15000.00"),
        pack=pack,
        pack_elements={kept.pk},
        show_ht=show_ht,
    )
    services.offer_validate(offer=offer, by=seller)
    assert list(offer.lines.values_list("kind", flat=True)) == [OfferLine.Kind.PACK]
    client.force_login(seller)
    url = reverse("opportunities:offer_detail", args=[offer.pk])
    body = client.get(url).content.decode()
    assert LINES_CARD not in body
    pack_card = body.split("Pack livraison</h2>", 1)[1].split("</section>", 1)[0]
    assert "Pack Sérénité" in pack_card and "Plein de carburant" in pack_card
    assert ("100,00\u00a0€ HT" if show_ht else "120,00\u00a0€") in pack_card
    assert "Tapis de sol" not in body

    # With another line, the card shows it (and not the pack line).
    new = services.offer_modify(offer=offer, by=seller)
    services.offer_update(
        offer=new,
        by=seller,
        vehicle_price=Decimal("15000.00"),
        pack=pack,
        pack_elements={kept.pk},
        lines=[("accessoire", "Attelage", Decimal("450.00"), None)],
    )
    services.offer_validate(offer=new, by=seller)
    body = client.get(reverse("opportunities:offer_detail", args=[new.pk])).content.decode()
    lines_card = body.split(LINES_CARD, 1)[1].split("</section>", 1)[0]
    assert "Attelage" in lines_card and "Plein de carburant" not in lines_card


def test_an_open_offer_keeps_its_lines_card_to_add_lines(client, seller, offer):
    client.force_login(seller)
    body = client.get(reverse("opportunities:offer_detail", args=[offer.pk])).content.decode()
    assert LINES_CARD in body and 'name="add_line"' in body


def test_offer_builder_refuses_a_discount_above_the_price(client, seller, offer):
    client.force_login(seller)
    data = {
        "vehicle_price": "15000",
        "line_kind": ["remise"],
        "line_label": ["Remise"],
        "line_amount": ["16000"],
        "line_product": [""],
        "save": "1",
    }
    page = client.post(reverse("opportunities:offer_detail", args=[offer.pk]), data)
    assert page.status_code == 400
    assert "dépassent le prix du véhicule" in page.content.decode()
    assert not offer.lines.filter(kind="remise").exists()


def test_journey_through_the_pages(
    client, seller, manager, offer, car, django_capture_on_commit_callbacks
):
    client.force_login(seller)
    client.post(reverse("opportunities:offer_action", args=[offer.pk, "valider"]))
    assert Offer.objects.get(pk=offer.pk).status == Offer.Status.VALIDATED
    page = client.post(reverse("opportunities:offer_action", args=[offer.pk, "commander"]))
    order = Order.objects.get(offer=offer)
    assert page.status_code == 302
    page = client.get(
        reverse("opportunities:order_detail", args=[order.pk]), {"onglet": "reglement"}
    )
    assert "disabled" in page.content.decode()  # Valider la commande waits for the payment tab
    page = client.post(
        reverse("opportunities:order_payment", args=[order.pk]),
        {"balance_method": "especes", "deposit_amount": "0"},
    )
    assert page.status_code == 400
    assert "ne peut pas dépasser 1\u00a0000" in page.content.decode()
    page = client.post(
        reverse("opportunities:order_payment", args=[order.pk]),
        {"balance_method": "virement", "deposit_amount": "1000", "deposit_method": "cheque"},
    )
    assert page.status_code == 302
    client.post(reverse("opportunities:order_action", args=[order.pk]), {"action": "submit"})
    assert Order.objects.get(pk=order.pk).status == Order.Status.PENDING_VALIDATION
    client.force_login(manager)
    page = client.get(reverse("opportunities:orders"), {"vue": "a_valider"})
    assert f'id="order-{order.pk}"' in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("opportunities:order_action", args=[order.pk]), {"action": "validate"})
    assert Order.objects.get(pk=order.pk).status == Order.Status.ORDERED
    car.refresh_from_db()
    assert car.status == "livraison"


def test_order_of_another_point_of_sale_is_not_found(client, draft_order):
    stranger = UserFactory(
        group_type="chef-des-ventes",
        points_of_sale=[PointOfSaleFactory()],
        rights=["validate_orders"],
    )
    client.force_login(stranger)
    assert (
        client.get(reverse("opportunities:order_detail", args=[draft_order.pk])).status_code == 404
    )
    page = client.post(
        reverse("opportunities:order_action", args=[draft_order.pk]), {"action": "validate"}
    )
    assert page.status_code == 404


def test_vehicle_page_lists_opportunities_with_test_drives(client, seller, opportunity, car):
    from django.utils import timezone

    services.appointment_create(
        opportunity=opportunity, by=seller, kind="essai", starts_at=timezone.now(), vehicle=car
    )
    client.force_login(seller)
    page = client.get(reverse("vehicles:detail", args=[car.pk]))
    body = page.content.decode()
    assert f"n° {opportunity.pk}" in body and "Essai" in body


def test_sales_settings_are_for_administrators(admin_client, seller):
    from django.test import Client

    other = Client()
    other.force_login(seller)
    assert other.get(reverse("opportunities:sales_settings")).status_code == 403
    page = admin_client.post(
        reverse("opportunities:sales_settings"),
        {"neglect_days": "0", "inactivity_cancel_days": "183", "stock_entry_days": "30"},
    )
    assert page.status_code == 400
    page = admin_client.post(
        reverse("opportunities:sales_settings"),
        {"neglect_days": "45", "inactivity_cancel_days": "200", "stock_entry_days": "30"},
    )
    assert page.status_code == 302
    from opportunities.sales.models import SalesSettings

    assert SalesSettings.current().neglect_days == 45


def test_salesperson_creates_an_opportunity_for_a_customer(client, seller, customer, pos):
    """O-1: a salesperson creates an opportunity in his own name."""
    client.force_login(seller)
    url = reverse("opportunities:create")
    assert client.get(url, {"client": customer.pk}).status_code == 200
    page = client.post(
        url, {"customer": customer.pk, "salesperson": seller.pk, "point_of_sale": pos.pk}
    )
    assert page.status_code == 302
    opportunity = customer.opportunities.get()
    assert opportunity.salesperson == seller
    other = UserFactory(group_type="vendeur", points_of_sale=[pos])
    page = client.post(
        url, {"customer": customer.pk, "salesperson": other.pk, "point_of_sale": pos.pk}
    )
    assert page.status_code == 400  # a salesperson cannot create in a colleague's name


def test_opportunity_list_sorts_by_last_activity_with_a_stable_order(client, manager, pos):
    from datetime import timedelta

    from django.utils import timezone

    from opportunities.sales.models import Opportunity

    old, recent = OpportunityFactory.create_batch(2, customer__point_of_sale=pos)
    Opportunity.objects.filter(pk=old.pk).update(
        last_activity_at=timezone.now() - timedelta(days=9)
    )
    client.force_login(manager)
    body = client.get(reverse("opportunities:index"), {"sort": "-activity"}).content.decode()
    assert body.index(f'href="/opportunites/{recent.pk}/"') < body.index(
        f'href="/opportunites/{old.pk}/"'
    )
    body = client.get(reverse("opportunities:index"), {"sort": "activity"}).content.decode()
    assert body.index(f'href="/opportunites/{old.pk}/"') < body.index(
        f'href="/opportunites/{recent.pk}/"'
    )


def test_opportunity_page_query_count_does_not_grow(client, seller, opportunity, site):
    """X-2: the opportunity page costs the same with 2 or 8 offers (each on its vehicle)."""
    from tests.vehicles.factories import VehicleFactory

    def add(n):
        for _ in range(n):
            vehicle = VehicleFactory(physical_site=site, status="stock_vente")
            services.offer_create(opportunity=opportunity, vehicle=vehicle, by=seller)

    client.force_login(seller)
    url = reverse("opportunities:detail", args=[opportunity.pk]) + "?onglet=offres"
    # +1 (issue 13): the user's points of sale, read once to link only vehicles he may open.
    assert_list_queries(client, url, add, budget=10, many=8, partial=False)


def test_order_page_query_count_does_not_grow(client, seller, draft_order):
    """X-2: the order's history costs the same with few or many events."""
    methods = iter(["virement", "cheque"] * 20)

    def add(n):
        for _ in range(n):
            services.order_payment_update(
                order=draft_order,
                by=seller,
                balance_method=next(methods),
                deposit_amount=Decimal("1000.00"),
                deposit_method="cheque",
                deposit_not_online=False,
            )

    client.force_login(seller)
    # +1 (issue 13): the user's points of sale, read once to link only what he may open.
    for tab, budget in (("resume", 7), ("historique", 8)):
        url = reverse("opportunities:order_detail", args=[draft_order.pk]) + f"?onglet={tab}"
        assert_list_queries(client, url, add, budget=budget, many=8, partial=False)


def test_offer_page_query_count_does_not_grow(client, seller, offer):
    """X-2 (issue 11): the offer page costs the same with 2 or 12 lines."""
    from opportunities.sales.models import OfferLine

    def add(n):
        start = offer.lines.count()
        OfferLine.objects.bulk_create(
            OfferLine(
                offer=offer,
                kind=OfferLine.Kind.ACCESSORY,
                label=f"Accessoire {start + i}",
                amount=Decimal("120.00"),
                position=start + i,
            )
            for i in range(n)
        )

    client.force_login(seller)
    url = reverse("opportunities:offer_detail", args=[offer.pk])
    counts = assert_list_queries(client, url, add, budget=13, partial=False)
    assert "Accessoire 11" in counts.response.content.decode()
