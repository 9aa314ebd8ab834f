"""Additional products (V-10): settings services and screens, the four deletion rules,
and the vehicle page section (attach / detach accessories and services)."""

import re
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from opportunities.products import services as products
from opportunities.products.models import Product, VehicleProduct
from opportunities.sales import services as sales_services
from opportunities.sales.models import Offer, OfferLine, OpportunityEvent, Order
from tests.accounts.factories import UserFactory
from tests.lists import assert_list_queries
from tests.opportunities.factories import PackElementFactory, PackFactory, ProductFactory
from tests.vehicles.factories import VehicleFactory
from vehicles.models import VehicleEvent

pytestmark = pytest.mark.django_db

NBSP = "\xa0"


@pytest.fixture
def fleet(pos):
    """A fleet manager of the point of sale with the vehicle-configuration right."""
    return UserFactory(
        group_type="gestionnaire-parc",
        rights=["change_vehicle_configuration", "access_vn"],
        points_of_sale=[pos],
    )


@pytest.fixture
def mats(admin):
    return products.product_create(
        by=admin, kind="accessoire", name="Tapis de sol", price=Decimal("89.90")
    )


def pack_lines(offer) -> list[tuple]:
    return list(
        offer.lines.filter(kind=OfferLine.Kind.PACK).values_list(
            "product_id", "pack_element_id", "label", "amount", "position"
        )
    )


# --- Create and update ------------------------------------------------------------------


def test_create_pack_with_compatibility_and_elements(admin):
    """V-10: a pack declares types, brands, energies, models and its priced elements."""
    pack = products.product_create(
        by=admin,
        kind="pack",
        name="Pack Sérénité",
        price=Decimal("300.00"),
        vehicle_types=["VO", "VN", "VO"],
        brands=["Renault", " renault ", "Dacia", ""],
        energies=["diesel", "essence"],
        model_names=["Clio"],
        elements=[("Plaques", Decimal("100")), ("Plein", "200,00")],
    )
    pack.refresh_from_db()
    assert pack.vehicle_types == ["VN", "VO"]
    assert pack.brands == ["Renault", "Dacia"]
    assert pack.energies == ["essence", "diesel"]
    assert [(e.label, e.price, e.position) for e in pack.elements.all()] == [
        ("Plaques", Decimal("100.00"), 0),
        ("Plein", Decimal("200.00"), 1),
    ]


def test_accessory_is_stored_without_compatibility(admin):
    """V-10: compatibility and elements only concern packs."""
    product = products.product_create(
        by=admin,
        kind="prestation",
        name="Garantie 24 mois",
        price=Decimal("390"),
        vehicle_types=["VN"],
        elements=[("x", 1)],
    )
    assert product.vehicle_types == [] and not product.elements.exists()


@pytest.mark.parametrize(
    ("fields", "key", "message"),
    [
        ({"price": Decimal("-1")}, "price", "Le prix ne peut pas être négatif."),
        ({"price": Decimal("10000000")}, "price", "Le prix ne peut pas dépasser 9 999 999,99 €."),
        ({"price": "abc"}, "price", "Saisissez un montant."),
        ({"price": "NaN"}, "price", "Saisissez un montant."),
        ({"price": Decimal("1.234")}, "price", "Deux décimales au plus."),
        ({"name": "  "}, "name", "Indiquez le libellé."),
        ({"name": "x" * 121}, "name", "Le libellé ne peut pas dépasser 120 caractères."),
        ({"kind": "voiture"}, "kind", "Choisissez le type de produit."),
        (
            {"vehicle_types": ["VX"]},
            "vehicle_types",
            "Type de véhicule inconnu : VX (VN, VD ou VO).",
        ),
        ({"energies": ["vapeur"]}, "energies", "Énergie inconnue : vapeur."),
        ({"brands": ["x" * 61]}, "brands", "60 caractères au plus."),
        (
            {"elements": [("Plaques", Decimal("-5"))], "price": Decimal("-5")},
            "elements",
            "Élément 1 : Le prix ne peut pas être négatif.",
        ),
        ({"elements": [("", Decimal("5"))]}, "elements", "Élément 1 : indiquez le libellé."),
        (
            {"elements": [("Plaques", Decimal("100"))], "price": Decimal("150")},
            "price",
            f"Le prix du pack doit être la somme de ses éléments (100,00{NBSP}€).",
        ),
    ],
)
def test_invalid_input_is_refused_with_a_french_message_by_field(admin, fields, key, message):
    """V-10: price between 0 and 9 999 999,99, name required, known types and energies."""
    values = {"kind": "pack", "name": "Pack", "price": Decimal("100"), **fields}
    with pytest.raises(ValidationError) as exc:
        products.product_create(by=admin, **values)
    assert any(message in text for text in exc.value.message_dict[key])
    assert not Product.objects.exists()


def test_only_administrators_manage_products(seller, fleet, mats):
    """V-10: products are managed by platform administrators."""
    for user in (seller, fleet):
        with pytest.raises(PermissionDenied):
            products.product_create(by=user, kind="accessoire", name="X", price=1)
        with pytest.raises(PermissionDenied):
            products.product_delete(product=mats, by=user)
    assert Product.objects.filter(pk=mats.pk).exists()


def test_update_keeps_the_elements_in_place(admin):
    """V-10: editing a pack updates its elements in place (offers keep their link)."""
    pack = products.product_create(
        by=admin,
        kind="pack",
        name="Pack",
        price=Decimal("300"),
        elements=[("A", 100), ("B", 200)],
    )
    first, second = pack.elements.all()
    products.product_update(
        product=pack,
        by=admin,
        name="Pack confort",
        price=Decimal("450"),
        brands=["Peugeot"],
        elements=[("A+", 150), ("B", 200), ("C", 100)],
    )
    pack.refresh_from_db()
    elements = list(pack.elements.all())
    assert [e.pk for e in elements[:2]] == [first.pk, second.pk]
    assert [(e.label, e.price) for e in elements] == [
        ("A+", Decimal("150.00")),
        ("B", Decimal("200.00")),
        ("C", Decimal("100.00")),
    ]
    assert (pack.name, pack.price, pack.brands) == ("Pack confort", Decimal("450.00"), ["Peugeot"])
    products.product_update(
        product=pack, by=admin, name="Pack", price=Decimal("150"), elements=[("A+", 150)]
    )
    assert list(pack.elements.values_list("pk", flat=True)) == [first.pk]


# --- Deletion rule 1: only on archived vehicles, or nowhere -----------------------------


def test_deletion_unused_or_only_on_archived_vehicles_is_a_simple_confirmation(admin, mats, site):
    """V-10 rule 1: used only on archived vehicles or nowhere → simple confirmation."""
    impact = products.product_deletion_impact(product=mats)
    assert impact.cases == ["simple"] and impact.simple
    archived = VehicleFactory(physical_site=site, status="sortie")
    VehicleProduct.objects.create(vehicle=archived, product=mats)
    impact = products.product_deletion_impact(product=mats)
    assert impact.simple
    assert impact.messages == [
        "« Tapis de sol » n'est utilisé sur aucun véhicule en stock, dans aucune offre en "
        "cours ni sur aucune commande validée. Supprimer ce produit ?"
    ]
    done = products.product_delete(product=mats, by=admin)
    assert done.offers_changed == done.vehicles_changed == 0
    assert not Product.objects.filter(pk=mats.pk).exists()
    assert not archived.events.filter(data__product=mats.pk).exists()


def test_pack_fitting_only_archived_vehicles_is_a_simple_confirmation(site):
    """V-10 rule 1 for a pack: the best pack of an exited vehicle only."""
    VehicleFactory(physical_site=site, status="sortie")
    pack = PackFactory()
    assert products.product_deletion_impact(product=pack).simple


# --- Deletion rule 2: a pack on a sellable vehicle or in an open offer -------------------


def test_pack_proposed_on_a_sellable_vehicle_says_it_will_be_replaced(car):
    """V-10 rule 2: the best pack of a vehicle in stock → it will be replaced."""
    cheaper = PackFactory(price=Decimal("100.00"))
    pack = PackFactory(name="Pack Or", price=Decimal("500.00"))
    impact = products.product_deletion_impact(product=pack)
    assert impact.cases == ["pack_replaced"]
    assert impact.vehicle_ids == [car.pk]
    assert impact.messages == [
        f"Le pack « Pack Or » est utilisé sur 1 véhicule en stock (n° {car.pk}). Il y sera "
        "remplacé par le meilleur pack restant compatible (aucun pack si aucun autre ne "
        "convient)."
    ]
    # The cheaper pack is proposed to nobody while the dearer one exists.
    assert products.product_deletion_impact(product=cheaper).simple


def test_pack_in_open_offer_is_replaced_by_the_best_remaining_pack(admin, opportunity, car, seller):
    """V-10 rule 2: the pack of an offer in progress is replaced by the best remaining one."""
    gold = PackFactory(name="Pack Or", price=Decimal("500.00"))
    PackElementFactory(pack=gold, label="Plein", price=Decimal("500.00"))
    silver = PackFactory(name="Pack Argent", price=Decimal("300.00"))
    PackElementFactory(pack=silver, label="Plaques", price=Decimal("120.00"), position=0)
    PackElementFactory(pack=silver, label="Lavage", price=Decimal("180.00"), position=1)
    PackFactory(name="Pack VN", price=Decimal("900.00"), vehicle_types=["VN"])
    offer = sales_services.offer_create(opportunity=opportunity, vehicle=car, by=seller)
    assert offer.pack == gold
    impact = products.product_deletion_impact(product=gold)
    assert impact.cases == ["pack_replaced"]
    assert impact.open_offer_ids == [offer.pk]
    assert f"dans 1 offre en cours (n° {offer.pk})" in impact.messages[0]

    done = products.product_delete(product=gold, by=admin)

    assert done.offers_changed == 1
    offer.refresh_from_db()
    assert offer.pack == silver
    # The same lines as a fresh offer on the same vehicle (services_offers._offer_pack_lines).
    fresh = sales_services.offer_create(opportunity=opportunity, vehicle=car, by=seller)
    assert [line[1:] for line in pack_lines(offer)] == [line[1:] for line in pack_lines(fresh)]
    assert [(label, amount) for _p, _e, label, amount, _pos in pack_lines(offer)] == [
        ("Plaques", Decimal("120.00")),
        ("Lavage", Decimal("180.00")),
    ]
    assert OpportunityEvent.objects.filter(
        opportunity=opportunity, message__contains="remplacé par « Pack Argent »"
    ).exists()


def test_pack_in_open_offer_without_remaining_pack_leaves_no_pack(admin, offer):
    """V-10 rule 2: none when no other pack fits."""
    pack = PackFactory()
    sales_services.offer_update(
        offer=offer, by=offer.created_by, vehicle_price=Decimal("15000"), pack=pack
    )
    PackFactory(brands=["Peugeot"])
    products.product_delete(product=pack, by=admin)
    offer.refresh_from_db()
    assert offer.pack is None
    assert pack_lines(offer) == []


def test_pack_replacement_is_set_based(
    admin, opportunity, seller, site, django_assert_max_num_queries
):
    """V-10: replacing the pack of many open offers costs a fixed number of queries."""
    pack = PackFactory(price=Decimal("500.00"))
    PackFactory(price=Decimal("100.00"))
    PackElementFactory(pack=PackFactory(price=Decimal("200.00"), brands=["Renault"]))
    for _i in range(6):
        vehicle = VehicleFactory(physical_site=site, status="stock_vente")
        sales_services.offer_create(opportunity=opportunity, vehicle=vehicle, by=seller)
    with django_assert_max_num_queries(18):
        done = products.product_delete(product=pack, by=admin)
    assert done.offers_changed == 6
    assert not Offer.objects.filter(pack__price=Decimal("500.00")).exists()


# --- Deletion rule 3: an accessory or a service in use -------------------------------------


def test_accessory_on_vehicle_and_open_offer_says_where_and_is_removed(
    admin, fleet, opportunity, car, seller, mats
):
    """V-10 rule 3: where it is used (vehicle and offer numbers), then removed from both."""
    products.vehicle_product_attach(vehicle=car, product=mats, by=fleet)
    offer = sales_services.offer_create(opportunity=opportunity, vehicle=car, by=seller)
    assert offer.lines.filter(product=mats).exists()
    impact = products.product_deletion_impact(product=mats)
    assert impact.cases == ["removed"]
    assert impact.messages == [
        f"L'accessoire « Tapis de sol » est utilisé sur 1 véhicule en stock (n° {car.pk}) et "
        f"dans 1 offre en cours (n° {offer.pk}). Il en sera retiré."
    ]

    done = products.product_delete(product=mats, by=admin)

    assert (done.offers_changed, done.vehicles_changed) == (1, 1)
    assert not offer.lines.filter(label="Tapis de sol").exists()
    assert not VehicleProduct.objects.filter(vehicle=car).exists()
    event = car.events.filter(kind=VehicleEvent.Kind.UPDATE).first()
    assert "Tapis de sol" in event.message and "retiré du véhicule" in event.message
    assert event.by == admin


def test_service_text_and_capped_vehicle_list(admin, site):
    """V-10 rule 3: the list of numbers is capped, with a count of the others."""
    service = ProductFactory(kind="prestation", name="Garantie")
    vehicles = [VehicleFactory(physical_site=site, status="stock_vente") for _i in range(12)]
    VehicleProduct.objects.bulk_create(VehicleProduct(vehicle=v, product=service) for v in vehicles)
    impact = products.product_deletion_impact(product=service)
    numbers = ", ".join(str(v.pk) for v in vehicles[:10])
    assert impact.messages == [
        f"La prestation « Garantie » est utilisée sur 12 véhicules en stock (n° {numbers} et "
        "2 autres). Elle en sera retirée."
    ]
    assert len(impact.vehicle_numbers) == 10 and len(impact.vehicle_ids) == 12
    products.product_delete(product=service, by=admin)
    assert VehicleEvent.objects.filter(data__product=service.pk).count() == 12


# --- Deletion rule 4: a validated order keeps the product as sold ---------------------------


@pytest.fixture
def sold(admin, fleet, opportunity, car, seller, manager, mats):
    """An order validated with a pack and an accessory, and its validated offer."""
    pack = PackFactory(name="Pack Livraison", price=Decimal("250.00"))
    PackElementFactory(pack=pack, label="Plein", price=Decimal("250.00"))
    products.vehicle_product_attach(vehicle=car, product=mats, by=fleet)
    offer = sales_services.offer_create(opportunity=opportunity, vehicle=car, by=seller)
    sales_services.offer_validate(offer=offer, by=seller)
    order = sales_services.order_create(offer=offer, by=seller)
    sales_services.order_payment_update(
        order=order,
        by=seller,
        balance_method="virement",
        deposit_amount=Decimal("0"),
        deposit_method="",
        deposit_not_online=False,
    )
    order = sales_services.order_submit(order=order, by=manager)
    assert order.status in Order.VALIDATED
    return order, pack


@pytest.mark.parametrize("which", ["accessory", "pack"])
def test_validated_order_keeps_the_product_exactly_as_sold(admin, sold, mats, which):
    """V-10 rule 4: the confirmation says so, and the snapshot survives the deletion."""
    order, pack = sold
    product = mats if which == "accessory" else pack
    impact = products.product_deletion_impact(product=product)
    assert "orders_kept" in impact.cases
    assert (
        f"« {product.name} » figure sur 1 commande validée (n° {order.pk}) : elle le garde "
        "exactement tel qu'il a été vendu." in impact.messages
    )
    snapshot = order.snapshot
    offer_lines = list(order.offer.lines.values_list("kind", "label", "amount"))
    assert product.pk in [line["product"] for line in snapshot["lines"]]

    products.product_delete(product=product, by=admin)

    order.refresh_from_db()
    assert order.snapshot == snapshot
    assert order.total_ttc == Decimal(snapshot["totals"]["total_ttc"])
    assert list(order.offer.lines.values_list("kind", "label", "amount")) == offer_lines
    assert snapshot["pack"] == "Pack Livraison"


# --- Settings screens -------------------------------------------------------------------


def test_settings_are_for_administrators_only(client, seller, fleet, mats):
    """V-10 / ORG-5: anonymous users go to the login page, others get a 403."""
    urls = [
        "/parametres/produits/",
        "/parametres/produits/nouveau/",
        f"/parametres/produits/{mats.pk}/",
        f"/parametres/produits/{mats.pk}/supprimer/",
    ]
    for url in urls:
        assert client.get(url).status_code == 302
    for user in (seller, fleet):
        client.force_login(user)
        for url in urls:
            assert client.get(url).status_code == 403
        assert client.post(f"/parametres/produits/{mats.pk}/supprimer/").status_code == 403
    assert Product.objects.filter(pk=mats.pk).exists()


def _list_page(admin_client):
    response = admin_client.get("/parametres/produits/")
    assert response.status_code == 200
    return response.content.decode()


def test_list_groups_products_by_kind_with_prices(admin_client, mats):
    """V-10: packs, services and accessories, each with its price."""
    pack = PackFactory(name="Pack Sérénité", price=Decimal("1490.00"), vehicle_types=["VO"])
    PackElementFactory(pack=pack, label="Plaques", price=Decimal("1490.00"))
    ProductFactory(kind="prestation", name="Garantie 24 mois", price=Decimal("390.00"))
    html = _list_page(admin_client)
    for text in [
        "Pack livraison",
        "Prestation",
        "Accessoire",
        "Pack Sérénité",
        f"1{NBSP}490,00{NBSP}€",
        "Garantie 24 mois",
        f"89,90{NBSP}€",
        "Plaques",
    ]:
        assert text in html, text
    assert html.index("Pack Sérénité") < html.index("Garantie 24 mois") < html.index("Tapis")


def test_list_query_count_does_not_grow_with_rows(admin_client):
    """V-10 / X-2: the list costs the same number of queries for 2 or 20 products."""

    def add(n):
        for _ in range(n):
            PackElementFactory(pack=PackFactory())
            ProductFactory()

    assert_list_queries(admin_client, "/parametres/produits/", add, budget=6, few=1, many=10)


def _form_data(**overrides):
    data = {
        "kind": "pack",
        "name": "Pack Sérénité",
        "price": "300.00",
        "vehicle_types": ["VO"],
        "energies": ["diesel"],
        "brands": "Renault, Dacia",
        "model_names": "",
        "elements-TOTAL_FORMS": "3",
        "elements-INITIAL_FORMS": "0",
        "elements-MIN_NUM_FORMS": "0",
        "elements-MAX_NUM_FORMS": "30",
        "elements-0-label": "Plaques",
        "elements-0-price": "100",
        "elements-1-label": "Plein",
        "elements-1-price": "200",
        "elements-2-label": "",
        "elements-2-price": "",
    }
    data.update(overrides)
    return data


def test_create_pack_from_the_form(admin_client):
    """V-10: the form saves compatibility (checkboxes, comma-separated) and element rows."""
    page = admin_client.get("/parametres/produits/nouveau/").content.decode()
    assert 'name="elements-0-label"' in page and 'name="vehicle_types"' in page
    response = admin_client.post("/parametres/produits/nouveau/", _form_data())
    assert response.status_code == 302 and response.url == "/parametres/produits/"
    pack = Product.objects.get()
    assert (pack.kind, pack.price, pack.brands) == ("pack", Decimal("300.00"), ["Renault", "Dacia"])
    assert (pack.vehicle_types, pack.energies, pack.model_names) == (["VO"], ["diesel"], [])
    assert list(pack.elements.values_list("label", flat=True)) == ["Plaques", "Plein"]


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"price": "-5"}, "Le prix ne peut pas être négatif."),
        ({"price": "99999999"}, "Le prix ne peut pas dépasser 9 999 999,99 €."),
        ({"name": ""}, "Indiquez le libellé."),
        ({"vehicle_types": ["VX"]}, "Type de véhicule inconnu"),
        ({"energies": ["vapeur"]}, "Énergie inconnue"),
        ({"elements-1-price": ""}, "Indiquez le prix."),
        ({"elements-1-price": "-3"}, "Le prix ne peut pas être négatif."),
        ({"price": "250"}, "Le prix du pack doit être la somme de ses éléments"),
        ({"elements-TOTAL_FORMS": "5000"}, "Un pack a 30 éléments au plus."),
        ({"elements-TOTAL_FORMS": ""}, "Le formulaire est incomplet"),
    ],
)
def test_bad_input_keeps_values_shows_errors_and_changes_nothing(admin_client, overrides, message):
    """V-10 / X-4: message next to the field, typed values kept, nothing saved, no 500."""
    data = _form_data(**{"name": "Mon pack à garder", **overrides})
    response = admin_client.post("/parametres/produits/nouveau/", data)
    assert response.status_code == 400
    html = response.content.decode()
    assert message.replace("'", "&#x27;") in html
    if overrides.get("name") != "":
        assert 'value="Mon pack à garder"' in html
    if "TOTAL_FORMS" not in str(overrides):  # a broken management form has no rows
        assert 'value="Plaques"' in html
    assert not Product.objects.exists()


def test_edit_form_keeps_the_kind_and_hides_pack_fields_for_an_accessory(admin_client, mats):
    """V-10: an accessory is edited without compatibility; its type does not change."""
    url = f"/parametres/produits/{mats.pk}/"
    html = admin_client.get(url).content.decode()
    assert 'value="Tapis de sol"' in html and 'name="vehicle_types"' not in html
    response = admin_client.post(url, {"name": "Tapis premium", "price": "120", "kind": "pack"})
    assert response.status_code == 302
    mats.refresh_from_db()
    assert (mats.name, mats.price, mats.kind) == ("Tapis premium", Decimal("120.00"), "accessoire")
    response = admin_client.post(url, {"name": "Tapis premium", "price": "1,5,3"})
    assert response.status_code == 400
    assert "Saisissez un montant." in response.content.decode()


def test_edit_pack_rows_are_prefilled(admin_client):
    pack = PackFactory(name="Pack Or", price=Decimal("100.00"))
    PackElementFactory(pack=pack, label="Plein", price=Decimal("100.00"))
    html = admin_client.get(f"/parametres/produits/{pack.pk}/").content.decode()
    assert 'value="Plein"' in html and 'name="elements-INITIAL_FORMS" value="1"' in html


def test_delete_page_shows_the_confirmation_then_deletes(admin_client, fleet, car, mats):
    """V-10: the confirmation page shows where the product is used; POST deletes it."""
    products.vehicle_product_attach(vehicle=car, product=mats, by=fleet)
    url = f"/parametres/produits/{mats.pk}/supprimer/"
    html = admin_client.get(url).content.decode()
    assert f"sur 1 véhicule en stock (n° {car.pk})" in html
    assert "Confirmer la suppression" in html
    response = admin_client.post(url, follow=True)
    assert response.redirect_chain[-1][0] == "/parametres/produits/"
    assert "Produit « Tapis de sol » supprimé." in response.content.decode()
    assert not Product.objects.filter(pk=mats.pk).exists()
    assert admin_client.get(url).status_code == 404


def test_unknown_product_is_a_404(admin_client):
    assert admin_client.get("/parametres/produits/999999/").status_code == 404
    assert admin_client.post("/parametres/produits/999999/supprimer/").status_code == 404


# --- Vehicle page section ----------------------------------------------------------------


def test_vehicle_page_shows_the_proposed_pack_and_attached_products(client, fleet, car, mats):
    """V-10: the vehicle page shows the best pack with its elements, and the accessories."""
    PackFactory(name="Pack Bronze", price=Decimal("100.00"))
    gold = PackFactory(name="Pack Or", price=Decimal("500.00"))
    PackElementFactory(pack=gold, label="Plein d'essence", price=Decimal("500.00"))
    products.vehicle_product_attach(vehicle=car, product=mats, by=fleet)
    ProductFactory(kind="prestation", name="Garantie 24 mois")
    client.force_login(fleet)
    html = client.get(f"/vehicules/{car.pk}/").content.decode()
    section = html[html.index("Produits additionnels") :]
    assert "Pack Or" in section and "Pack Bronze" not in section
    assert "Plein d&#x27;essence" in section and f"500,00{NBSP}€" in section
    assert "Tapis de sol" in section and f"89,90{NBSP}€" in section
    assert f"/vehicules/{car.pk}/produits/ajouter/" in section
    assert "Garantie 24 mois" in section  # offered in the attach form
    assert "Accessoire ajouté" not in section


def test_vehicle_page_without_pack_and_without_the_right(client, seller, car):
    """V-10: none when nothing fits; the attach form is for holders of the right."""
    PackFactory(brands=["Peugeot"])
    ProductFactory(name="Attelage")
    client.force_login(seller)
    html = client.get(f"/vehicules/{car.pk}/").content.decode()
    assert "Aucun pack livraison ne convient à ce véhicule." in html
    assert "/produits/ajouter/" not in html


def test_attach_and_detach_by_a_fleet_manager(client, fleet, car, mats):
    """V-10: attach / detach go back to the vehicle page and into the vehicle history."""
    client.force_login(fleet)
    url = f"/vehicules/{car.pk}/produits/"
    response = client.post(url + "ajouter/", {"product": mats.pk})
    assert response.status_code == 302 and response.url == f"/vehicules/{car.pk}/"
    assert VehicleProduct.objects.filter(vehicle=car, product=mats).exists()
    assert car.events.filter(message__contains="Tapis de sol", by=fleet).exists()
    # Twice: a clear message, no 500.
    response = client.post(url + "ajouter/", {"product": mats.pk}, follow=True)
    assert "est déjà sur ce véhicule" in response.content.decode()
    response = client.post(url + "retirer/", {"product": mats.pk})
    assert response.status_code == 302 and response.url == f"/vehicules/{car.pk}/"
    assert not VehicleProduct.objects.filter(vehicle=car).exists()
    assert car.events.filter(message__contains="retiré").count() == 1


def test_attach_refused_without_the_right(client, seller, car, mats):
    """V-10 / ORG-3: the right is checked on the server."""
    client.force_login(seller)
    url = f"/vehicules/{car.pk}/produits/"
    assert client.post(url + "ajouter/", {"product": mats.pk}).status_code == 403
    VehicleProduct.objects.create(vehicle=car, product=mats)
    assert client.post(url + "retirer/", {"product": mats.pk}).status_code == 403
    assert VehicleProduct.objects.filter(vehicle=car).count() == 1
    with pytest.raises(PermissionDenied):
        products.vehicle_product_attach(vehicle=car, product=ProductFactory(), by=seller)


def test_administrator_attaches_too(admin_client, car, mats):
    response = admin_client.post(f"/vehicules/{car.pk}/produits/ajouter/", {"product": mats.pk})
    assert response.status_code == 302
    assert VehicleProduct.objects.filter(vehicle=car, product=mats).exists()


@pytest.mark.parametrize("value", ["", "abc", "²", "999999", None])
def test_attach_with_a_bad_product_id_is_a_message(client, fleet, car, value):
    """X-4: a missing or unknown product gives a message, never a 500."""
    client.force_login(fleet)
    data = {} if value is None else {"product": value}
    response = client.post(f"/vehicules/{car.pk}/produits/ajouter/", data, follow=True)
    assert response.status_code == 200
    assert "Choisissez un produit de la liste." in response.content.decode()
    assert not VehicleProduct.objects.exists()


def test_a_pack_or_an_exited_vehicle_cannot_be_attached(client, fleet, site, car):
    """V-10: only accessories and services go on a vehicle in stock."""
    client.force_login(fleet)
    pack = PackFactory()
    response = client.post(
        f"/vehicules/{car.pk}/produits/ajouter/", {"product": pack.pk}, follow=True
    )
    assert "Seuls les accessoires et les prestations" in response.content.decode()
    exited = VehicleFactory(physical_site=site, status="sortie")
    with pytest.raises(ValidationError):
        products.vehicle_product_attach(vehicle=exited, product=ProductFactory(), by=fleet)
    assert not VehicleProduct.objects.exists()


def test_other_point_of_sale_vehicle_is_a_404(client, fleet, mats):
    other = VehicleFactory(status="stock_vente")
    client.force_login(fleet)
    response = client.post(f"/vehicules/{other.pk}/produits/ajouter/", {"product": mats.pk})
    assert response.status_code == 404
    assert not VehicleProduct.objects.exists()


def test_get_on_attach_is_refused(client, fleet, car):
    client.force_login(fleet)
    assert client.get(f"/vehicules/{car.pk}/produits/ajouter/").status_code == 405


def test_numbers_helper_caps_the_list():
    assert products._numbers([1, 2]) == "n° 1, 2"
    text = products._numbers(list(range(1, 14)))
    assert re.fullmatch(r"n° 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 et 3 autres", text)


def test_update_or_attach_a_deleted_product_is_a_message(admin, fleet, car, mats):
    """X-4: a product deleted meanwhile gives a clear message, not an integrity error."""
    stale = Product.objects.get(pk=mats.pk)
    products.product_delete(product=mats, by=admin)
    with pytest.raises(ValidationError, match="Ce produit a été supprimé."):
        products.product_update(product=stale, by=admin, name="X", price=1)
    with pytest.raises(ValidationError, match="Ce produit a été supprimé."):
        products.vehicle_product_attach(vehicle=car, product=stale, by=fleet)
    with pytest.raises(ValidationError, match="Ce produit a été supprimé."):
        products.product_delete(product=stale, by=admin)
