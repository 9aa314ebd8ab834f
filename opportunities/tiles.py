"""Home tiles of the sales journey (O-10, O-1): one COUNT query each."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from openflex.home.tiles import Tile, register

from . import selectors
from .filters import ORDER_VIEWS
from .models import Opportunity

MANAGERS = frozenset({"admin", "chef-des-ventes", "directeur"})
DELIVERY_TEAM = frozenset({"admin", "chef-des-ventes", "directeur", "secretaire"})


def _orders(view: str):
    return lambda user: (
        selectors.orders_of_user_points_of_sale(user=user).filter(**ORDER_VIEWS[view][1]).count()
    )


def _orders_url(view: str):
    return lambda user: reverse("opportunities:orders") + f"?vue={view}"


register(
    Tile(
        key="orders-to-validate",
        title=_("Commandes en attente de validation"),
        description=_("Commandes de vendeurs à accepter ou refuser"),
        count=_orders("a_valider"),
        url=_orders_url("a_valider"),
        group_types=MANAGERS,
        permission="accounts.validate_orders",
        order=40,
        tone="warning",
    )
)
register(
    Tile(
        key="orders-to-cancel",
        title=_("Commandes en attente d'annulation"),
        description=_("Annulations demandées, à confirmer ou refuser"),
        count=_orders("a_annuler"),
        url=_orders_url("a_annuler"),
        group_types=MANAGERS,
        permission="accounts.validate_orders",
        order=41,
        tone="danger",
    )
)
register(
    Tile(
        key="orders-to-prepare",
        title=_("À préparer pour livraison"),
        description=_("Commandes validées dont le véhicule est à préparer"),
        count=_orders("a_preparer"),
        url=_orders_url("a_preparer"),
        group_types=DELIVERY_TEAM,
        order=42,
    )
)
register(
    Tile(
        key="orders-to-deliver",
        title=_("À déclarer livré"),
        description=_("Véhicules prêts : déclarez la livraison"),
        count=_orders("a_livrer"),
        url=_orders_url("a_livrer"),
        group_types=DELIVERY_TEAM,
        order=43,
    )
)
register(
    Tile(
        key="orders-factory",
        title=_("À commander usine"),
        description=_("Commandes VN validées à passer au constructeur"),
        count=_orders("usine"),
        url=_orders_url("usine"),
        group_types=DELIVERY_TEAM,
        permission="accounts.access_vn",
        order=44,
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


class _TradeInValidatorsTile(Tile):
    """Shown to holders of the right or to the group type "valideur-reprises" (O-8)."""

    def visible_to(self, user) -> bool:
        from .tradeins import user_is_tradein_validator

        return user_is_tradein_validator(user)


def _tradeins_to_validate(user) -> int:
    from .tradeins import tradein_tile_count

    return tradein_tile_count(user)


register(
    _TradeInValidatorsTile(
        key="tradeins-to-validate",
        title=_("Reprises à valider"),
        description=_("Demandes d'estimation et reprises selon vos filtres enregistrés"),
        count=_tradeins_to_validate,
        url=lambda user: reverse("opportunities:tradein_list"),
        order=46,
        tone="warning",
    )
)
