"""Forms of the pre-entry reservation (V-11): the end reason and the settings switch."""

from django import forms
from django.utils.translation import gettext_lazy

from openflex.core.forms import ReasonField


class ReservationEndForm(forms.Form):
    reason = ReasonField(
        label=gettext_lazy("Motif de l'annulation"),
        required=True,
        required_message=gettext_lazy("Indiquez le motif de l'annulation."),
    )


class ReservationSwitchForm(forms.Form):
    enabled = forms.BooleanField(
        label=gettext_lazy("Activer la réservation des VO en pré-entrée"),
        required=False,
        help_text=gettext_lazy(
            "Un vendeur réserve un VO destiné à un particulier, en pré-entrée, depuis une "
            "offre validée ; le véhicule est dépublié tant que la réservation est illimitée."
        ),
    )
