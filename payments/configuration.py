"""The e-payment's Paramètres screens (administrators only)."""

from django.utils.translation import gettext_lazy as _

from openflex.configuration.sections import Section, register
from payments.ereservations import configuration as _ereservations  # noqa: F401

register(
    Section(
        key="payments-configuration",
        title=_("Parcours de vente digitalisé — e-paiement"),
        description=_(
            "E-paiement par point de vente : prestataire, identifiant marchand, clés SHA-IN "
            "et SHA-OUT, algorithme, mode test ou production"
        ),
        url_name="payments:configuration",
        module=_("Opportunités"),
        order=31,
    )
)
