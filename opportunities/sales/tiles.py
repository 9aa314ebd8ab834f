"""Home tiles of the sales journey (O-10, O-1): one COUNT query each."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from openflex.accounts import rules
from openflex.home.tiles import Tile, register
from opportunities.sales import selectors
from opportunities.sales.filters import ORDER_VIEWS
from opportunities.sales.models import Opportunity

MANAGERS = frozenset({"admin", "chef-des-ventes", "directeur"})
DELIVERY_TEAM = rules.DELIVERY_TEAM_TYPES  # the same people may press "Commandé à l'usine"


def _orders(view: str):
    return lambda user: (
        selectors.orders_of_user_points_of_sale(user=user).filter(**ORDER_VIEWS[view][1]).count()
    )


def _orders_url(view: str):
    return lambda user: reverse("opportunities:orders") + f"?vue={view}"


# The order tiles (O-10): (key, view of the order list, title, description, who, right,
# tone). Each counts and opens the same view of the order list.
ORDER_TILES = [
    ("orders-to-validate", "a_valider", _("Commandes en attente de validation"),
     _("Commandes de vendeurs à accepter ou refuser"), MANAGERS,
     "accounts.validate_orders", "warning"),
    ("orders-to-cancel", "a_annuler", _("Commandes en attente d'annulation"),
     _("Annulations demandées, à confirmer ou refuser"), MANAGERS,
     "accounts.validate_orders", "danger"),
    ("orders-to-prepare", "a_preparer", _("À préparer pour livraison"),
     _("Commandes validées dont le véhicule est à préparer"), DELIVERY_TEAM, None, "default"),
    ("orders-to-deliver", "a_livrer", _("À déclarer livré"),
     _("Véhicules prêts : déclarez la livraison"), DELIVERY_TEAM, None, "default"),
    ("orders-factory", "usine", _("À commander usine"),
     _("Commandes VN validées à passer au constructeur"), DELIVERY_TEAM,
     "accounts.access_vn", "default"),
]  # fmt: skip

for position, (key, view, title, description, who, right, tone) in enumerate(ORDER_TILES):
    register(
        Tile(
            key=key,
            title=title,
            description=description,
            count=_orders(view),
            url=_orders_url(view),
            group_types=who,
            permission=right,
            order=40 + position,
            tone=tone,
        )
    )
register(
    Tile(
        key="opportunities-neglected",
        title=_("Opportunités en souffrance"),
        description=_("En cours depuis plus longtemps que la durée moyenne de conclusion"),
        count=lambda user: (
            selectors.opportunity_queryset_for_user(user)
            .filter(status=Opportunity.Status.OPEN, created_at__lt=selectors.neglect_cutoff())
            .count()
        ),
        url=lambda user: reverse("opportunities:index") + "?neglected=true&status=en_cours",
        group_types=frozenset({"vendeur", "chef-des-ventes", "directeur"}),
        order=45,
        tone="danger",
    )
)
