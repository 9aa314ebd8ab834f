"""Validators' filters (O-8): notification routing, saved filters preselected, the tile
count = the list count, one query each (X-2)."""

import re

import pytest
from django.urls import reverse

from openflex.accounts.selectors import user_group_types
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
    if filters:
        ValidatorFilter.objects.create(user=user, **filters)
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
    assert saved.destinations == ["professionnel"] and saved.brands == ["PEUGEOT"]
    client.logout()
    client.force_login(validator)
    page = client.get(url)
    form = page.context["form"]
    assert form["destinations"].value() == ["professionnel"]
    assert form["brands"].value() == ["PEUGEOT"]
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
