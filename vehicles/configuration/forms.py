from django import forms
from django.utils.translation import gettext_lazy as _

from ..models import LifelineStatus


class LifelineStatusForm(forms.Form):
    label = forms.CharField(label=_("Libellé"), max_length=80)
    after = forms.ModelChoiceField(
        label=_("Après le statut"), queryset=LifelineStatus.objects.exclude(code="sortie")
    )
    destination = forms.ChoiceField(
        label=_("Ligne de vie"),
        choices=[
            ("", _("Particulier et Professionnel")),
            ("particulier", _("Particulier")),
            ("professionnel", _("Professionnel")),
        ],
        required=False,
    )
