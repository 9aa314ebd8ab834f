from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from openflex.accounts import rules
from openflex.home.tiles import Tile, register

from . import selectors
from .delays import selectors as delays

register(
    Tile(
        key="price-updates-to-validate",
        title=_("Mises à jour de prix à valider"),
        description=_("Prix modifiés automatiquement ou par un vendeur, à contrôler"),
        # Whoever may validate prices, counted where he may (the list's own queryset).
        count=lambda user: selectors.price_changes_to_validate(user=user).count(),
        url=lambda user: reverse("vehicles:price_changes"),
        allowed=rules.can_validate_prices,
        order=20,
        tone="warning",
    )
)
register(
    Tile(
        key="transfers-to-validate",
        title=_("Transferts de propriété à valider"),
        description=_("Véhicules de vos points de vente demandés par un autre"),
        count=lambda user: selectors.transfers_to_decide_count(user=user),
        url=lambda user: reverse("vehicles:transfers") + "?statut=a_valider",
        permission="accounts.validate_transfers",
        order=30,
        tone="warning",
    )
)
register(
    Tile(
        key="stock-for-sale",
        title=_("Véhicules en stock de vente"),
        description=_("Véhicules prêts à la vente de vos points de vente"),
        count=lambda user: (
            selectors.vehicle_queryset_for_user(user).filter(status="stock_vente").count()
        ),
        url=lambda user: reverse("vehicles:list") + "?status=stock_vente",
        group_types=frozenset({"chef-des-ventes", "directeur", "vendeur", "gestionnaire-parc"}),
        order=10,
    )
)

register(
    Tile(
        key="late-vehicles",
        title=_("Véhicules en retard"),
        description=_("Restés plus longtemps que prévu dans leur statut"),
        count=lambda user: delays.late_vehicles(selectors.vehicle_queryset_for_user(user)).count(),
        url=lambda user: reverse("vehicles:late_list"),
        permission="accounts.change_vehicle_configuration",
        order=15,
        tone="danger",
    )
)
