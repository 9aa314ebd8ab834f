"""Home tiles of the e-payments (P-7): one COUNT query each; entering a tile opens the
list pre-filtered on the payments the user follows (``selectors.payments_followed_by``)."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from openflex.home.tiles import Tile, register
from payments.board import selectors

# Who sees which tile (P-7): the spec names the audiences; a platform administrator sees
# neither (the list stays open to them from the menu).
TO_REFUND_AUDIENCE = frozenset({"secretaire", "chef-des-ventes", "directeur"})
PENDING_AUDIENCE = frozenset({"vendeur", "chef-des-ventes", "directeur"})


def _count(group: str):
    return lambda user: selectors.payments_count(user=user, group=group)


def _url(group: str):
    return lambda user: reverse("payments:index") + f"?suivi=true&statut={group}"


register(
    Tile(
        key="payments-to-refund",
        title=_("e-Paiements à rembourser"),
        description=_("Acomptes et e-réservations encaissés à rembourser au client"),
        count=_count("a_rembourser"),
        url=_url("a_rembourser"),
        group_types=TO_REFUND_AUDIENCE,
        order=50,
        tone="danger",
    )
)
register(
    Tile(
        key="payments-pending",
        title=_("e-Paiements en attente"),
        description=_("Liens de paiement envoyés, pas encore payés"),
        count=_count("en_attente"),
        url=_url("en_attente"),
        group_types=PENDING_AUDIENCE,
        order=51,
        tone="warning",
    )
)
