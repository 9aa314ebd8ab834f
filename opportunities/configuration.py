from django.utils.translation import gettext_lazy as _

from openflex.configuration.sections import Section, register

register(
    Section(
        key="vehicles-products",
        title=_("Produits additionnels"),
        description=_("Packs livraison, prestations et accessoires proposés dans les offres"),
        url_name="opportunities:products",
        module=_("Véhicules"),
        order=21,
    )
)
register(
    Section(
        key="sales-settings",
        title=_("Parcours de vente"),
        description=_(
            "Durée moyenne de conclusion, annulation des opportunités inactives, "
            "délai d'entrée en stock des reprises"
        ),
        url_name="opportunities:sales_settings",
        module=_("Opportunités"),
        order=30,
    )
)
register(
    Section(
        key="vehicles-preentry-reservation",
        title=_("Réservation des VO en pré-entrée"),
        description=_(
            "Activer ou non la réservation des VO en pré-entrée depuis une offre validée"
        ),
        url_name="opportunities:reservation_settings",
        module=_("Véhicules"),
        order=22,
    )
)
