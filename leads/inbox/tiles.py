"""The managers' tile "Leads en souffrance" (L-2): one COUNT query."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from leads.inbox import selectors
from openflex.home.tiles import Tile, register

register(
    Tile(
        key="leads-neglected",
        title=_("Leads en souffrance"),
        description=_("Tâches ouvertes non traitées au-delà de leur durée de vie"),
        count=lambda user: selectors.lead_tasks_neglected(user=user).count(),
        url=lambda user: reverse("leads:index") + "?neglected=true",
        group_types=frozenset({"admin", "chef-des-ventes", "directeur"}),
        order=60,
        tone="danger",
    )
)
