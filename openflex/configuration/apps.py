from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _


class ConfigurationConfig(AppConfig):
    name = "openflex.configuration"
    label = "configuration"
    verbose_name = _("Paramètres")

    def ready(self) -> None:
        # Each app declares its settings screens in <app>/configuration.py.
        autodiscover_modules("configuration")
