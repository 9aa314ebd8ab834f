from django import forms
from django.utils.translation import gettext_lazy as _

from ..services import REASON_MAX_LENGTH


class DecisionForm(forms.Form):
    reason = forms.CharField(label=_("Motif"), required=False, max_length=REASON_MAX_LENGTH)
