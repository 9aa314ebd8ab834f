from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _


class HomeConfig(AppConfig):
    name = "openflex.home"
    label = "home"
    verbose_name = _("Accueil")

    def ready(self) -> None:
        # Each app declares its tiles in <app>/tiles.py.
        autodiscover_modules("tiles")
