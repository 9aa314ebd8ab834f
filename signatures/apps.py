from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SignaturesConfig(AppConfig):
    name = "signatures"
    verbose_name = _("Signatures électroniques")
