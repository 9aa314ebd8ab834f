"""Home tile of the trade-in validators (O-8): one COUNT query."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from openflex.home.tiles import Tile, register
from opportunities.tradeins.selectors import tradein_tile_count, user_is_tradein_validator


class _TradeInValidatorsTile(Tile):
    """Shown to holders of the right or to the group type "valideur-reprises" (O-8)."""

    def visible_to(self, user) -> bool:
        return user_is_tradein_validator(user)


register(
    _TradeInValidatorsTile(
        key="tradeins-to-validate",
        title=_("Reprises à valider"),
        description=_("Demandes d'estimation et reprises selon vos filtres enregistrés"),
        count=tradein_tile_count,
        url=lambda user: reverse("opportunities:tradein_list"),
        order=46,
        tone="warning",
    )
)
