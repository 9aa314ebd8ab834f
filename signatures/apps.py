from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SignaturesConfig(AppConfig):
    name = "signatures"
    verbose_name = _("Signatures électroniques")

    def ready(self) -> None:
        # The business effects (signatures/flows): order and offer panels, the receivers;
        # the receivers of the failures of the link emails and code SMS.
        from signatures.flows import panel as _flows_panel  # noqa: F401
        from signatures.flows import receivers as _flows_receivers  # noqa: F401
        from signatures.requests import receivers as _requests_receivers  # noqa: F401
