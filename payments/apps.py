from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PaymentsConfig(AppConfig):
    name = "payments"
    verbose_name = _("Paiements")

    def ready(self) -> None:
        # The sections the e-payment adds to the order and vehicle pages (order_panels,
        # vehicles.panels) and its receivers of the sale side's signals. Tiles, effects
        # and Paramètres sections are autodiscovered (tiles.py, effects.py, configuration.py).
        from payments.ereservations import receivers as _ereservations_receivers  # noqa: F401
        from payments.transactions import panel as _transactions_panel  # noqa: F401
        from payments.transactions import receivers as _transactions_receivers  # noqa: F401
