"""The e-reservation's Paramètres screen (administrators only), gathered by
``payments/configuration.py``."""

from django.utils.translation import gettext_lazy as _

from openflex.configuration.sections import Section, register

register(
    Section(
        key="payments-ereservation",
        title=_("E-réservation"),
        description=_(
            "Réservation d'un véhicule publié par un internaute qui paie en ligne : "
            "activation, durée et montant pour tout le groupe"
        ),
        url_name="payments:ereservation_settings",
        module=_("Opportunités"),
        order=32,
    )
)
