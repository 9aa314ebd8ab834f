"""Paramètres > Leads > Numéros traceurs (administrators, L-3)."""

from django.utils.translation import gettext_lazy as _

from openflex.configuration.sections import Section, register

register(
    Section(
        key="leads-tracking-numbers",
        title=_("Numéros traceurs"),
        description=_(
            "Numéros d'appel par point de vente : tâche créée ou non pour les appels "
            "manqués et connectés, avec quel statut et quel état"
        ),
        url_name="leads:tracking_number_settings",
        module=_("Leads"),
        order=52,
    )
)
