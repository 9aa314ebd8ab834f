from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "openflex.core"
    label = "core"
    verbose_name = "OpenFlex"
