from django import forms
from django.utils.translation import gettext_lazy as _


class SavedSearchForm(forms.Form):
    name = forms.CharField(label=_("Nom de la recherche"), max_length=80)
    is_default = forms.BooleanField(label=_("Recherche par défaut"), required=False)
