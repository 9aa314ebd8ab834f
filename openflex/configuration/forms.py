from django import forms
from django.utils.translation import gettext_lazy as _

from openflex.accounts.models import PhysicalSite, PointOfSale, User


class PointOfSaleForm(forms.ModelForm):
    class Meta:
        model = PointOfSale
        fields = ["name", "address", "postcode", "city", "phone", "email", "transfer_manager"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["transfer_manager"].queryset = User.objects.filter(
            is_active=True, points_of_sale=self.instance
        ).order_by("last_name", "first_name")
        self.fields["transfer_manager"].help_text = _(
            "Approuve les transferts de propriété des véhicules de ce point de vente."
        )


class PhysicalSiteForm(forms.ModelForm):
    class Meta:
        model = PhysicalSite
        fields = ["name", "address"]
