"""The forms of the late list (V-9): "Gérer le statut" and sending the list."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..services import REASON_MAX_LENGTH
from . import selectors


class DelayManageForm(forms.Form):
    """ "Gérer le statut" (V-9): the next status or the alert off until a date; a reason."""

    ACTIONS = [("status", _("Passer au statut suivant")), ("snooze", _("Couper l'alerte jusqu'au"))]
    action = forms.ChoiceField(
        label=_("Action"), choices=ACTIONS, widget=forms.RadioSelect, initial="status"
    )
    to = forms.ChoiceField(label=_("Statut suivant"), required=False)
    until = forms.DateField(
        label=_("Couper l'alerte jusqu'au"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    reason = forms.CharField(
        label=_("Motif du retard"),
        required=False,
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "max_length": _("Le motif ne peut pas dépasser %(limit_value)d caractères.")
        },
    )

    def __init__(self, *args, moves=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to"].choices = [(m.status.code, m.status.label) for m in moves]

    def clean(self):
        data = super().clean()
        if data.get("action") == "status" and not data.get("to"):
            self.add_error("to", _("Choisissez le statut suivant."))
        if data.get("action") == "snooze":
            until = data.get("until")
            if until is None:
                self.add_error("until", _("Choisissez une date."))
            elif until <= timezone.localdate():
                self.add_error("until", _("Choisissez une date future."))
        return data


class LateSendForm(forms.Form):
    recipients = forms.ModelMultipleChoiceField(
        label=_("Envoyer à"),
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choisissez au moins un destinataire.")},
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["recipients"].queryset = selectors.colleagues_for(user)
        self.fields["recipients"].label_from_instance = lambda u: f"{u.get_full_name()} ({u.email})"
