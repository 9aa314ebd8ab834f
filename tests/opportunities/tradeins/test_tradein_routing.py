"""Validators' filters (O-8): notification routing, saved filters preselected, the tile
count = the list count, one query each (X-2)."""

import re

import pytest
from django.urls import reverse

from openflex.accounts.selectors import user_group_types
from openflex.core.inputs import brand_key
from openflex.home.tiles import tile_get, tiles_for_user
from openflex.notifications.models import Notification, OutboundEmail
from opportunities.tradeins import selectors as tradeins_selectors
from opportunities.tradeins import services as tradeins_services
from opportunities.tradeins.models import TradeIn, ValidatorFilter
from tests.accounts.factories import UserFactory
from tests.lists import assert_list_queries

pytestmark = pytest.mark.django_db


def _validator(pos, **filters):
    user = UserFactory(
        group_type="valideur-reprises", points_of_sale=[pos], rights=["validate_tradeins"]
    )
    if filters:  # through the service: brands are stored as keys
        tradeins_services.validator_filter_save(user=user, **filters)
    return user


def _request(pos, capture, **overrides):
    data = {
        "point_of_sale": pos,
        "destination": "particulier",
        "brand": "Peugeot",
        "model": "208",
        "mileage": 40000,
        "requested_value": "9000",
    }
    data.update(overrides)
    with capture(execute=True):
        return tradeins_services.tradein_request_from_campaign(**data)


@pytest.fixture(params=["postgresql", "python"])
def routing(request, monkeypatch):
    """The routing both ways: PostgreSQL's JSON containment, and the Python path that the
    SQLite database of `make run` takes."""
    if request.param == "python":
        monkeypatch.setattr(tradeins_selectors, "_json_contains_supported", lambda: False)
    return request.param


def _notified(user) -> bool:
    return Notification.objects.filter(recipient=user, kind="tradein_request").exists()


def test_a_professional_filter_gets_nothing_for_a_private_request(
    routing, pos, django_capture_on_commit_callbacks
):
    pro = _validator(pos, destinations=["professionnel"])
    default = _validator(pos)
    emptied = _validator(pos, destinations=[], brands=[], methods=[])
    _request(pos, django_capture_on_commit_callbacks, destination="particulier")
    assert not _notified(pro)
    assert _notified(default) and _notified(emptied)
    assert OutboundEmail.objects.filter(to=default.email, kind="tradein_request").exists()
    assert not OutboundEmail.objects.filter(to=pro.email).exists()
    _request(pos, django_capture_on_commit_callbacks, destination="professionnel")
    assert _notified(pro)


def test_a_request_matching_no_saved_filter_still_reaches_default_validators(
    routing, pos, django_capture_on_commit_callbacks
):
    audi = _validator(pos, brands=["AUDI"])
    pro = _validator(pos, destinations=["professionnel"], methods=["demandeurs"])
    default = _validator(pos)
    _request(pos, django_capture_on_commit_callbacks, brand="Dacia")
    assert not _notified(audi) and not _notified(pro)
    assert _notified(default)


def test_brand_and_creation_method_filters(routing, pos, django_capture_on_commit_callbacks):
    peugeot_campaign = _validator(pos, brands=["PEUGEOT"], methods=["campagne"])
    requesters = _validator(pos, methods=["demandeurs"])
    renault = _validator(pos, brands=["RENAULT"])
    _request(pos, django_capture_on_commit_callbacks, brand="peugeot")  # case-insensitive
    assert _notified(peugeot_campaign)
    assert not _notified(requesters) and not _notified(renault)
    requester = UserFactory(group_type="vendeur", points_of_sale=[pos])
    with django_capture_on_commit_callbacks(execute=True):
        tradeins_services.tradein_request_create(
            by=requester, point_of_sale=pos, brand="Renault", model="Clio", mileage=1
        )
    assert _notified(requesters) and _notified(renault)
    assert Notification.objects.filter(recipient=peugeot_campaign).count() == 1


def test_validators_of_other_points_of_sale_and_non_validators_get_nothing(
    routing, pos, django_capture_on_commit_callbacks
):
    from tests.accounts.factories import PointOfSaleFactory

    elsewhere = _validator(PointOfSaleFactory())
    seller = UserFactory(group_type="vendeur", points_of_sale=[pos])
    _request(pos, django_capture_on_commit_callbacks)
    assert not _notified(elsewhere) and not _notified(seller)


def test_routing_is_one_query_whatever_the_number_of_validators(
    pos, django_capture_on_commit_callbacks, django_assert_num_queries
):
    for i in range(6):
        _validator(pos, **({"brands": ["PEUGEOT"]} if i % 2 else {}))
    trade_in = _request(pos, django_capture_on_commit_callbacks)
    with django_assert_num_queries(1):
        users = list(tradeins_selectors.tradein_validators_for(trade_in))
    assert len(users) == 6


def test_campaign_request_is_recorded_with_its_method(pos, django_capture_on_commit_callbacks):
    trade_in = _request(
        pos,
        django_capture_on_commit_callbacks,
        point_of_sale=None,
        point_of_sale_code=pos.code,
        customer={"last_name": "Durand", "first_name": "Luc", "email": "luc@example.test"},
    )
    assert trade_in.creation_method == TradeIn.Method.CAMPAIGN
    assert trade_in.customer.last_name == "Durand"
    assert trade_in.kind == TradeIn.Kind.DRY and trade_in.status == TradeIn.Status.TO_VALIDATE


# --- Tile and list ----------------------------------------------------------------------


def test_tile_visible_to_validators_only(pos, seller, manager):
    validator = _validator(pos)
    type_only = UserFactory(group_type="valideur-reprises", points_of_sale=[pos])
    director = UserFactory(group_type="directeur", rights=["validate_tradeins"])
    keys = lambda u: {t.key for t in tiles_for_user(u)}  # noqa: E731
    assert "tradeins-to-validate" in keys(validator)
    assert "tradeins-to-validate" in keys(type_only)
    assert "tradeins-to-validate" in keys(director)
    assert "tradeins-to-validate" not in keys(seller)
    assert "tradeins-to-validate" not in keys(manager)


def test_tile_count_equals_list_count_and_is_one_query(
    client, pos, django_capture_on_commit_callbacks, django_assert_num_queries
):
    validator = _validator(pos, destinations=["particulier"], brands=["PEUGEOT"])
    _request(pos, django_capture_on_commit_callbacks)  # matches
    _request(pos, django_capture_on_commit_callbacks, brand="Peugeot", model="3008")  # matches
    _request(pos, django_capture_on_commit_callbacks, destination="professionnel")
    _request(pos, django_capture_on_commit_callbacks, brand="Audi")
    refused = _request(pos, django_capture_on_commit_callbacks)
    tradeins_services.tradein_refuse(trade_in=refused, by=validator, reason="Non")
    tile = tile_get("tradeins-to-validate")
    user_group_types(validator)  # cached once per request by the home page
    with django_assert_num_queries(1):
        count = tile.count(validator)
    assert count == 2
    client.force_login(validator)
    page = client.get(tile.url(validator))
    assert page.status_code == 200
    assert page.context["page"].paginator.count == 2
    assert 'data-count="2"' in page.content.decode()
    # With the defaults, the tile and the list show everything pending.
    ValidatorFilter.objects.filter(user=validator).delete()
    assert tile.count(validator) == 4
    assert client.get(tile.url(validator)).context["page"].paginator.count == 4


def test_saved_filters_are_preselected_at_the_next_visit(client, pos, brand_trade_in):
    validator = _validator(pos)
    client.force_login(validator)
    url = reverse("opportunities:tradein_list")
    page = client.get(url)
    assert page.context["form"]["destinations"].value() in ([], None)
    response = client.post(
        url, {"destinations": ["professionnel"], "brands": ["PEUGEOT"], "methods": ["campagne"]}
    )
    assert response.status_code == 302
    saved = ValidatorFilter.objects.get(user=validator)
    assert saved.destinations == ["professionnel"] and saved.brands == ["peugeot"]
    client.logout()
    client.force_login(validator)
    page = client.get(url)
    form = page.context["form"]
    assert form["destinations"].value() == ["professionnel"]
    assert form["brands"].value() == ["peugeot"]
    assert form["methods"].value() == ["campagne"]
    body = page.content.decode()
    assert re.search(r'<input[^>]*value="professionnel"[^>]*checked', body)


def test_the_list_is_refused_to_non_validators(client, seller):
    client.force_login(seller)
    assert client.get(reverse("opportunities:tradein_list")).status_code == 403


def test_list_query_count_does_not_grow_with_rows(client, pos, django_capture_on_commit_callbacks):
    validator = _validator(pos)
    client.force_login(validator)
    made = iter(range(100))

    def add(n):
        for _ in range(n):
            _request(pos, django_capture_on_commit_callbacks, model=f"Modèle {next(made)}")

    counts = assert_list_queries(
        client, reverse("opportunities:tradein_list"), add, budget=8, few=1, many=9
    )
    assert 'data-count="9"' in counts.html


@pytest.fixture
def brand_trade_in(pos, django_capture_on_commit_callbacks):
    return _request(pos, django_capture_on_commit_callbacks)


def test_the_tile_counts_the_same_both_ways(pos, monkeypatch, django_capture_on_commit_callbacks):
    """The validator's tile on SQLite (Python path) counts what PostgreSQL counts."""
    pro = _validator(pos, destinations=["professionnel"], brands=["PEUGEOT"])
    _request(pos, django_capture_on_commit_callbacks, destination="professionnel")
    _request(pos, django_capture_on_commit_callbacks, destination="particulier")
    _request(pos, django_capture_on_commit_callbacks, destination="professionnel", brand="Renault")
    in_sql = tradeins_selectors.tradein_tile_count(pro)
    monkeypatch.setattr(tradeins_selectors, "_json_contains_supported", lambda: False)
    assert tradeins_selectors.tradein_tile_count(pro) == in_sql == 1


# --- Brands compare on their key (#13): case, accents and spaces do not count ----------

CITROEN_SPELLINGS = ["Citroën", "CITROËN", "citroen"]


def test_the_brand_key_folds_case_accents_and_spaces():
    assert {brand_key(b) for b in [*CITROEN_SPELLINGS, "  CITROEN ", "Citroe\u0308n"]} == {
        "citroen"
    }
    assert brand_key("Land   Rover") == "land rover" and brand_key("Škoda") == "skoda"
    assert brand_key("Straße") == brand_key("STRASSE")


def test_the_services_store_the_key_and_follow_the_brand(
    pos, validator, django_capture_on_commit_callbacks
):
    trade_in = _request(pos, django_capture_on_commit_callbacks, brand="  CITROËN ")
    assert (trade_in.brand, trade_in.brand_key) == ("CITROËN", "citroen")
    tradeins_services.tradein_update(trade_in=trade_in, by=validator, brand="Škoda", model="208")
    trade_in.refresh_from_db()
    assert trade_in.brand_key == "skoda"
    event = trade_in.events.first()  # the key follows the brand, unnamed in the history
    assert "marque" in event.message and "clé" not in event.message
    assert "brand_key" not in event.data["fields"]


@pytest.mark.parametrize("saved", CITROEN_SPELLINGS)
def test_one_saved_brand_routes_every_spelling(
    routing, pos, saved, django_capture_on_commit_callbacks
):
    """A saved "Citroën" routes a "CITROEN" request, both ways (PostgreSQL's JSON
    containment and the Python path of SQLite)."""
    citroen = _validator(pos, brands=[saved])
    assert ValidatorFilter.objects.get(user=citroen).brands == ["citroen"]
    for spelling in ["CITROEN", *CITROEN_SPELLINGS]:
        trade_in = _request(pos, django_capture_on_commit_callbacks, brand=spelling)
        url = reverse("opportunities:tradein_detail", args=[trade_in.pk])
        assert Notification.objects.filter(
            recipient=citroen, kind="tradein_request", url=url
        ).exists(), spelling
        assert citroen in tradeins_selectors.tradein_validators_for(trade_in)
    peugeot = _request(pos, django_capture_on_commit_callbacks, brand="Peugeot")
    assert citroen not in tradeins_selectors.tradein_validators_for(peugeot)
    assert tradeins_selectors.tradein_tile_count(citroen) == 4


def test_the_list_filters_every_spelling_with_one_checkbox(
    client, pos, django_capture_on_commit_callbacks
):
    for spelling in [*CITROEN_SPELLINGS, "Citroën"]:
        _request(pos, django_capture_on_commit_callbacks, brand=spelling)
    _request(pos, django_capture_on_commit_callbacks, brand="Peugeot")
    validator = _validator(pos)
    client.force_login(validator)
    url = reverse("opportunities:tradein_list")
    page = client.get(url)
    body = page.content.decode()
    # A checkbox per brand key, labelled as typed most often; no native multi-select.
    assert "<select" not in body.split('name="brands"')[0].rsplit("<fieldset", 1)[-1]
    boxes = re.findall(r'<input type="checkbox" name="brands" value="([^"]*)"', body)
    assert boxes.count("citroen") == 1 and "peugeot" in boxes
    choices = dict(page.context["form"].fields["brands"].choices)
    assert choices["citroen"] == "Citroën" and choices["peugeot"] == "Peugeot"
    for value in ["citroen", "Citroën", "CITROËN"]:  # a bookmarked spelling too
        page = client.get(url, {"f": "1", "brands": value})
        assert page.context["page"].paginator.count == 4, value
        assert re.search(r'<input[^>]*value="citroen"[^>]*checked', page.content.decode())
    assert client.get(url, {"f": "1"}).context["page"].paginator.count == 5
    # Saved from the list, then preselected and routed.
    assert client.post(url, {"brands": ["CITROËN"]}).status_code == 302
    assert ValidatorFilter.objects.get(user=validator).brands == ["citroen"]
    assert client.get(url).context["page"].paginator.count == 4


@pytest.mark.parametrize(
    ("typed", "label"),
    [
        (["Citroën", "Citroën", "CITROËN"], "Citroën"),
        (["CITROËN", "Citroën"], "Citroën"),  # a tie: not the capitals
        (["citroen"], "Citroen"),
        (["BMW", "bmw"], "BMW"),
    ],
)
def test_the_label_is_the_spelling_typed_most_often(
    pos, typed, label, django_capture_on_commit_callbacks
):
    for spelling in typed:
        _request(pos, django_capture_on_commit_callbacks, brand=spelling)
    choices = dict(tradeins_selectors.tradein_brand_choices(also=["Audi"]))
    assert choices[brand_key(typed[0])] == label
    assert choices["audi"] == "Audi"  # a saved brand nobody typed (any more)


def test_the_migration_fills_the_keys_and_converts_saved_brands(
    pos, django_capture_on_commit_callbacks
):
    import importlib

    from django.apps import apps

    migration = importlib.import_module("opportunities.migrations.0008_tradein_brand_key")
    trade_in = _request(pos, django_capture_on_commit_callbacks, brand="CITROËN")
    TradeIn.objects.update(brand_key="")
    old = _validator(pos)
    ValidatorFilter.objects.create(user=old, brands=["CITROËN", "PEUGEOT"])
    migration.fill_brand_keys(apps, None)
    trade_in.refresh_from_db()
    assert trade_in.brand_key == "citroen"
    assert ValidatorFilter.objects.get(user=old).brands == ["citroen", "peugeot"]
    assert old in tradeins_selectors.tradein_validators_for(trade_in)
