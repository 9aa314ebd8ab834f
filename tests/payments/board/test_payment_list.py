"""The e-payments list (P-7): filters by status group, date sort both ways, search,
the card, scope like the orders, query count constant in rows."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from openflex.core.money import format_money
from payments.transactions.models import Payment
from tests.accounts.factories import UserFactory
from tests.lists import assert_list_queries
from tests.payments.board.conftest import deposit, make_order
from tests.payments.factories import PaymentFactory
from tests.vehicles.factories import VehicleFactory

pytestmark = pytest.mark.django_db

URL = "/paiements/"
S = Payment.Status


def _ids(response) -> list[int]:
    import re

    return [int(x) for x in re.findall(r'id="payment-(\d+)"', response.content.decode())]


def test_the_menu_entry_opens_the_list(client, manager):
    """P-7: ``payments:index`` is the list (no longer the placeholder)."""
    client.force_login(manager)
    assert reverse("payments:index") == URL
    page = client.get(URL)
    assert page.status_code == 200
    assert "e-Paiements" in page.content.decode()


def test_the_card_shows_what_p7_lists(client, manager, order):
    """P-7: kind, reference, order and opportunity numbers, status, vehicle, customer and
    salesperson, entity and point of sale, amount, the sent date."""
    payment = deposit(order)
    client.force_login(manager)
    body = client.get(URL).content.decode()
    assert f'id="payment-{payment.pk}"' in body
    for text in (
        "e-Acompte",
        payment.reference,
        f"Commande n° {order.pk}",
        f"Opportunité n° {order.opportunity_id}",
        "En attente",
        order.vehicle.brand,
        order.vehicle.registration,
        order.opportunity.customer.display_name,
        order.opportunity.salesperson.get_full_name(),
        order.point_of_sale.entity.name,
        order.point_of_sale.name,
        format_money(payment.amount),
        "Envoyé le",
    ):
        assert text in body, text


def test_a_payment_to_refund_says_since_when(client, secretary, order):
    """P-7: "À rembourser depuis le …" instead of the sent date."""
    since = timezone.now() - timedelta(days=3)
    deposit(order, status=S.TO_REFUND, to_refund_since=since)
    client.force_login(secretary)
    body = client.get(URL).content.decode()
    local = timezone.localtime(since)
    assert f"À rembourser depuis le {local:%d/%m/%Y}" in body


def test_status_filter_is_multi_select_on_status_groups(client, manager, pos, seller):
    """P-7: à rembourser, en attente, payés (autorisé + payé), remboursés, annulés,
    refusés (refusé + erreur)."""
    made = {s: deposit(make_order(pos, seller), status=s) for s in S.values}
    client.force_login(manager)

    def shown(query):
        return set(_ids(client.get(f"{URL}?{query}")))

    assert shown("statut=payes") == {made[S.AUTHORISED].pk, made[S.PAID].pk}
    assert shown("statut=refuses") == {made[S.REFUSED].pk, made[S.ERROR].pk}
    assert shown("statut=en_attente&statut=a_rembourser") == {
        made[S.SENT].pk,
        made[S.TO_REFUND].pk,
    }
    assert shown("statut=rembourses") == {made[S.REFUNDED].pk}
    assert shown("statut=annules") == {made[S.CANCELLED].pk}
    assert shown("") == {p.pk for p in made.values()}
    # An unknown value is an error of the filter, never a 500; the rest still applies.
    assert client.get(f"{URL}?statut=nimporte").status_code == 200


def test_sort_by_date_both_ways(client, manager, pos, seller):
    now = timezone.now()
    old = deposit(make_order(pos, seller), created_at=now - timedelta(days=2))
    new = deposit(make_order(pos, seller), created_at=now - timedelta(hours=1))
    client.force_login(manager)
    assert _ids(client.get(URL)) == [new.pk, old.pk]  # newest first by default
    assert _ids(client.get(f"{URL}?sort=date")) == [old.pk, new.pk]
    assert _ids(client.get(f"{URL}?sort=-date")) == [new.pk, old.pk]
    assert client.get(f"{URL}?sort=bogus").status_code == 200


@pytest.mark.parametrize(
    "needle",
    ["customer", "customer_email", "order", "opportunity", "reference", "payid", "plate", "vin"],
)
def test_search(client, manager, pos, seller, needle):
    """P-7: customer, opportunity/order/transaction number, registration, VIN."""
    target_order = make_order(pos, seller)
    target = deposit(target_order, provider_payment_id="3041985577")
    other = deposit(make_order(pos, seller))
    customer = target_order.opportunity.customer
    value = {
        "customer": customer.last_name,
        "customer_email": customer.email.upper(),
        "order": str(target_order.pk),
        "opportunity": str(target_order.opportunity_id),
        "reference": target.reference,
        "payid": "3041985577",
        "plate": target_order.vehicle.registration,
        "vin": target_order.vehicle.vin,
    }[needle]
    client.force_login(manager)
    shown = _ids(client.get(URL, {"q": value}))
    assert target.pk in shown
    if needle not in ("order", "opportunity"):  # a number may also hit another document
        assert other.pk not in shown


def test_search_an_e_reservation_by_its_contact(client, manager, pos):
    """An e-reservation has no customer record: its contact snapshot is searched."""
    payment = PaymentFactory(
        kind=Payment.Kind.RESERVATION,
        vehicle=VehicleFactory(physical_site__point_of_sale=pos),
        last_name="Internaute",
        salesperson=None,
    )
    client.force_login(manager)
    body = client.get(URL, {"q": "internaute"}).content.decode()
    assert f'id="payment-{payment.pk}"' in body
    assert "e-Réservation" in body and "Sans commande" in body


def test_scope_like_the_orders(client, pos, other_pos, seller, other_seller, manager):
    """A salesperson sees their payments; a manager those of their points of sale; nobody
    sees another entity's payments; a fleet manager has no access."""
    mine = deposit(make_order(pos, seller))
    colleague = deposit(make_order(pos, other_seller))
    foreign_seller = UserFactory(group_type="vendeur", points_of_sale=[other_pos])
    foreign = deposit(make_order(other_pos, foreign_seller))
    client.force_login(seller)
    assert set(_ids(client.get(URL))) == {mine.pk}
    client.force_login(manager)
    assert set(_ids(client.get(URL))) == {mine.pk, colleague.pk}
    assert foreign.pk not in _ids(client.get(URL, {"point_of_sale": other_pos.pk}))
    client.force_login(UserFactory(group_type="gestionnaire-parc", points_of_sale=[pos]))
    assert client.get(URL).status_code in (403, 404)


def test_followed_filter(client, pos, seller, other_seller, manager):
    """The tiles' pre-filter: a salesperson's own payments; a manager's points of sale."""
    mine = deposit(make_order(pos, seller))
    deposit(make_order(pos, other_seller))
    client.force_login(seller)
    assert set(_ids(client.get(URL, {"suivi": "true"}))) == {mine.pk}
    client.force_login(manager)
    assert len(_ids(client.get(URL, {"suivi": "true"}))) == 2


def test_buttons_follow_the_transitions_open_to_the_user(client, pos, seller, secretary):
    """ "Renvoyer le lien" on a pending payment for who follows it; "Marquer comme
    remboursé" on a payment to refund for the secretary, not for the salesperson."""
    pending = deposit(make_order(pos, seller))
    to_refund = deposit(make_order(pos, seller), status=S.TO_REFUND)
    client.force_login(seller)
    body = client.get(URL).content.decode()
    resend = reverse("payments:action", args=[pending.pk, "resend"])
    refunded = reverse("payments:action", args=[to_refund.pk, "refunded"])
    assert f'action="{resend}"' in body and "Renvoyer le lien" in body
    assert f'action="{refunded}"' not in body
    client.force_login(secretary)
    body = client.get(URL).content.decode()
    assert f'action="{refunded}"' in body and "Marquer comme remboursé" in body


def test_query_count_is_constant_in_rows(client, manager, pos, seller):
    """X-2: the page and its HTMX partial cost the same queries with 2 or 12 rows."""
    client.force_login(manager)
    orders = [make_order(pos, seller) for _ in range(12)]
    made = iter(orders)

    def make_rows(n):
        for _ in range(n):
            deposit(next(made))

    counts = assert_list_queries(client, URL, make_rows, budget=8)
    assert len(_ids(counts.response)) == 12


def test_resend_from_the_list_comes_back_to_it(client, seller, order):
    """ "Renvoyer le lien" from a card: the same payment, a new link (PAY-CORE's resend),
    and back to the list as it was filtered."""
    from django.core import mail

    payment = deposit(order, link_nonce="old-nonce")
    client.force_login(seller)
    back = f"{URL}?statut=en_attente"
    mail.outbox.clear()
    response = client.post(reverse("payments:action", args=[payment.pk, "resend"]), {"next": back})
    assert response.status_code == 302 and response["Location"] == back
    payment.refresh_from_db()
    assert payment.link_nonce and payment.link_nonce != "old-nonce"


def test_mark_refunded_from_the_list(client, secretary, order):
    payment = deposit(order, status=S.TO_REFUND, to_refund_since=timezone.now())
    client.force_login(secretary)
    response = client.post(reverse("payments:action", args=[payment.pk, "refunded"]), {"next": URL})
    assert response.status_code == 302 and response["Location"] == URL
    payment.refresh_from_db()
    assert payment.status == S.REFUNDED and payment.refunded_by == secretary
