"""Paramètres › Véhicules: the section registered here (found by the configuration app),
its views and forms beside it."""

from django.utils.translation import gettext_lazy as _

from openflex.configuration.sections import Section, register

register(
    Section(
        key="vehicles-lifeline",
        title=_("Ligne de vie et délais"),
        description=_("Statuts standard et personnalisés, durée maximale par statut"),
        url_name="vehicles:settings",
        module=_("Véhicules"),
        order=20,
    )
)
