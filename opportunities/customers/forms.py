"""Forms of customers and legal representatives (O-2)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from opportunities.customers.models import Customer


class CustomerForm(forms.ModelForm):
    allow_duplicate = forms.BooleanField(
        label=_("Je confirme qu'il s'agit d'un autre client"), required=False
    )

    class Meta:
        model = Customer
        fields = [
            "kind",
            "civility",
            "last_name",
            "first_name",
            "company_name",
            "siret",
            "email",
            "mobile",
            "phone",
            "address",
            "postcode",
            "city",
        ]
        widgets = {"kind": forms.RadioSelect}

    def __init__(self, *args, show_duplicate=False, **kwargs):
        super().__init__(*args, **kwargs)
        if not show_duplicate:
            self.fields.pop("allow_duplicate")
        if self.instance.pk:
            self.fields.pop("kind")
        self.fields["email"].widget.attrs["autocomplete"] = "off"

    def _post_clean(self):
        # The service validates the whole customer (the model's clean would run twice).
        pass


class LegalRepresentativeForm(forms.Form):
    civility = forms.ChoiceField(
        label=_("Civilité"), choices=[("", "—"), ("M.", "M."), ("Mme", "Mme")], required=False
    )
    last_name = forms.CharField(label=_("Nom"), max_length=80)
    first_name = forms.CharField(label=_("Prénom"), max_length=80)
    email = forms.EmailField(label=_("Email"))
    mobile = forms.CharField(label=_("Mobile"), max_length=20)
