from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpportunitiesConfig(AppConfig):
    name = "opportunities"
    verbose_name = _("Opportunités")

    def ready(self) -> None:
        # The sections that this module adds to the vehicle page (vehicles.panels).
        from . import (  # noqa: F401
            document_panel,
            financing_panel,
            product_panel,
            reservation_panel,
            signals,
            vehicle_panels,
        )
