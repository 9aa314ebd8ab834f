"""Home tiles of the e-payments (P-7): who sees them (the seven user-group types), one
COUNT query each, counting the payments the user follows; entering opens the list on them."""

import pytest
from django.urls import reverse

from openflex.accounts import rules
from openflex.accounts.selectors import user_group_types
from openflex.home.tiles import tile_get, tiles_for_user
from payments.transactions.models import Payment
from tests.accounts.factories import UserFactory
from tests.payments.board.conftest import deposit, make_order

pytestmark = pytest.mark.django_db

TILES = {"payments-to-refund", "payments-pending"}


@pytest.mark.parametrize(
    ("group_type", "expected"),
    [
        ("secretaire", {"payments-to-refund"}),
        ("chef-des-ventes", {"payments-to-refund", "payments-pending"}),
        ("directeur", {"payments-to-refund", "payments-pending"}),
        ("vendeur", {"payments-pending"}),
        ("gestionnaire-parc", set()),
        ("valideur-reprises", set()),
        ("admin", set()),  # P-7 names the audiences: a platform administrator is not one
    ],
)
def test_tile_visibility_per_user_group_type(group_type, expected, pos):
    user = UserFactory(group_type=group_type, points_of_sale=[pos])
    assert {t.key for t in tiles_for_user(user)} & TILES == expected


def test_a_user_in_no_group_sees_no_tile(pos):
    assert {t.key for t in tiles_for_user(UserFactory(points_of_sale=[pos]))} & TILES == set()


def _warm(user):
    user_group_types(user)  # cached on the user once per request by the home page
    rules.user_point_of_sale_ids(user)


def test_the_counts_are_one_query_of_the_followed_payments(
    pos, other_pos, seller, other_seller, manager, secretary, django_assert_num_queries
):
    deposit(make_order(pos, seller))
    deposit(make_order(pos, other_seller))
    deposit(make_order(pos, seller), status=Payment.Status.TO_REFUND)
    deposit(make_order(pos, seller), status=Payment.Status.PAID)
    foreign = UserFactory(group_type="vendeur", points_of_sale=[other_pos])
    deposit(make_order(other_pos, foreign), status=Payment.Status.TO_REFUND)
    expected = {
        (seller, "payments-pending"): 1,  # their own only
        (manager, "payments-pending"): 2,  # the point of sale's
        (manager, "payments-to-refund"): 1,
        (secretary, "payments-to-refund"): 1,  # never the other entity's
    }
    for (user, key), count in expected.items():
        _warm(user)
        with django_assert_num_queries(1):
            assert tile_get(key).count(user) == count


def test_entering_a_tile_opens_the_followed_payments(client, pos, seller, other_seller):
    mine = deposit(make_order(pos, seller))
    deposit(make_order(pos, other_seller))
    deposit(make_order(pos, seller), status=Payment.Status.PAID)
    url = tile_get("payments-pending").url(seller)
    assert url == reverse("payments:index") + "?suivi=true&statut=en_attente"
    client.force_login(seller)
    body = client.get(url).content.decode()
    assert body.count('id="payment-') == 1 and f'id="payment-{mine.pk}"' in body
    # The pre-filter shows in the form: the box is ticked, the status checked.
    assert 'name="suivi" value="true" checked' in body.replace(' id="id_suivi"', "")
