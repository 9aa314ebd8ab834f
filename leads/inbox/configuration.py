"""Paramètres > Leads entrants (administrators)."""

from django.utils.translation import gettext_lazy as _

from openflex.configuration.sections import Section, register

register(
    Section(
        key="leads-lifetime",
        title=_("Leads entrants : durée de vie et affectations"),
        description=_(
            "Par point de vente : durée de vie, rappels avant entrée en souffrance, "
            "utilisateurs affectés à chaque type de lead"
        ),
        url_name="leads:settings",
        module=_("Leads"),
        order=50,
    )
)
register(
    Section(
        key="leads-sources",
        title=_("Leads entrants : sources et clés d'API"),
        description=_("Sources des leads, leur catégorie et leurs clés d'accès à l'API"),
        url_name="leads:sources",
        module=_("Leads"),
        order=51,
    )
)
register(
    Section(
        key="leads-reference-lists",
        title=_("Leads entrants : étiquettes et statuts"),
        description=_("Vos propres étiquettes ; les statuts des tâches et ce qu'ils signifient"),
        url_name="leads:reference_lists",
        module=_("Leads"),
        order=52,
    )
)
