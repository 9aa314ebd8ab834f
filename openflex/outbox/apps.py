from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _


class OutboxConfig(AppConfig):
    name = "openflex.outbox"
    label = "outbox"
    verbose_name = _("Effets différés")

    def ready(self) -> None:
        # Every app declares the side effects it hands to the outbox in <app>/effects.py.
        autodiscover_modules("effects")
