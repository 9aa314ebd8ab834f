"""Home tiles of S-8 / O-10: orders waiting for the customer's e-signature or e-payment.

Both open the same resend list (``signatures:resend_list``) on their view; each counts
with one query in the user's order scope (``flows.selectors``). Shown to the sale side
(salespeople: their orders; managers and secretaries: their points of sale's).
"""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from openflex.home.tiles import Tile, register
from signatures.flows import selectors

SALE_SIDE = frozenset({"admin", "vendeur", "chef-des-ventes", "directeur", "secretaire"})


register(
    Tile(
        key="orders-waiting-esignature",
        title=_("Commandes en attente de e-signature"),
        description=_("Vérifiez l'email et le mobile du client, renvoyez le lien"),
        count=lambda user: selectors.orders_waiting_for_signature(user=user).count(),
        url=lambda user: reverse("signatures:resend_list") + f"?vue={selectors.VIEW_ESIGN}",
        group_types=SALE_SIDE,
        order=47,
        tone="warning",
    )
)
register(
    Tile(
        key="orders-waiting-epayment",
        title=_("Commandes en attente de e-paiement"),
        description=_("Acomptes non réglés en ligne : renvoyez le lien de paiement"),
        count=lambda user: selectors.orders_waiting_for_payment(user=user).count(),
        url=lambda user: reverse("signatures:resend_list") + f"?vue={selectors.VIEW_EPAY}",
        group_types=SALE_SIDE,
        order=48,
        tone="warning",
    )
)
