"""The vehicle page's forms: the record (V-1), status, prices, options, transfer, auction."""

from django import forms
from django.utils.translation import gettext_lazy as _

from openflex.accounts.models import PhysicalSite, PointOfSale
from openflex.core.forms import MoneyField

from ..models import VatRegime, Vehicle, vin_validator
from ..services import IDENTITY_FIELDS, REASON_MAX_LENGTH

MONEY = {"min_value": 0, "max_digits": 12, "decimal_places": 2, "required": False}
MONEY_ERRORS = {
    "min_value": _("Le prix ne peut pas être négatif."),
    "invalid": _("Saisissez un montant."),
}


def money_field(label):
    """``17 150,00 €`` as the totals show it, ``17150.00`` accepted too (#13)."""
    return MoneyField(label=label, error_messages=MONEY_ERRORS, **MONEY)


class VehicleForm(forms.ModelForm):
    """Identity of a vehicle (V-1). Prices come at creation; later through the price form."""

    class Meta:
        model = Vehicle
        # The type and the owner are set at creation; later only the identity changes
        # (the owner through a transfer, V-14).
        fields = ["parc", "point_of_sale", *IDENTITY_FIELDS]
        widgets = {"first_registration": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}

    def __init__(self, *args, user=None, points_of_sale=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["point_of_sale"].queryset = points_of_sale
        self.fields["physical_site"].queryset = PhysicalSite.objects.select_related(
            "point_of_sale"
        ).filter(point_of_sale__entity__in=points_of_sale.values("entity"))
        # A class, not a style attribute: the Content-Security-Policy forbids inline styles.
        self.fields["vin"].widget.attrs.update({"maxlength": 17, "class": "input-upper"})
        self.fields["vin"].error_messages["max_length"] = vin_validator.message
        if self.instance.pk:
            # The owner changes by a transfer (V-14), the type never.
            for name in ("parc", "point_of_sale"):
                self.fields.pop(name)
        else:
            # At stock entry the regime follows the type unless chosen (issue 13):
            # vehicles.services.default_vat_regime.
            regime = self.fields["vat_regime"]
            regime.required = False
            regime.choices = [
                ("", _("Selon le type (VN, VD : prix total ; VO : marge)")),
                *VatRegime.choices,
            ]
            regime.initial = ""
        self.fields["vat_regime"].help_text = _(
            "Un VO acheté à un particulier se vend sous le régime de la marge ; "
            "un VO acheté avec TVA à une entreprise assujettie, avec la TVA sur le prix total."
        )

    def clean_vin(self):
        return self.cleaned_data["vin"].strip().upper()

    def clean_registration(self):
        return self.cleaned_data["registration"].strip().upper()


class VehicleCreateForm(VehicleForm):
    selling_price = money_field(_("Prix de vente TTC"))
    catalogue_price = money_field(_("Prix catalogue TTC (VN/VD)"))


class StatusChangeForm(forms.Form):
    to = forms.ChoiceField(label=_("Nouveau statut"))
    reason = forms.CharField(
        label=_("Motif"),
        required=False,
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={
            "max_length": _("Le motif ne peut pas dépasser %(limit_value)d caractères.")
        },
    )

    def __init__(self, *args, moves=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to"].choices = [
            (m.status.code, f"{'← ' if m.backward else '→ '}{m.status.label}") for m in moves
        ]


class PriceForm(forms.Form):
    selling_price = money_field(_("Prix de vente TTC"))
    catalogue_price = money_field(_("Prix catalogue TTC"))
    discount = money_field(_("Remise TTC"))
    staff_price = money_field(_("Prix collaborateur TTC"))

    def __init__(self, *args, vehicle=None, **kwargs):
        super().__init__(*args, **kwargs)
        if vehicle is not None and not vehicle.has_catalogue:
            del self.fields["catalogue_price"]
            del self.fields["discount"]


class OptionForm(forms.Form):
    label = forms.CharField(label=_("Option"), max_length=160)
    price = money_field(_("Prix TTC"))

    def clean_price(self):
        return self.cleaned_data["price"] or 0


class TransferForm(forms.Form):
    to_point_of_sale = forms.ModelChoiceField(
        label=_("Vers le point de vente"), queryset=PointOfSale.objects.none()
    )
    reason = forms.CharField(label=_("Motif"), required=False, max_length=REASON_MAX_LENGTH)

    def __init__(self, *args, vehicle=None, **kwargs):
        super().__init__(*args, **kwargs)
        if vehicle is not None:
            self.fields["to_point_of_sale"].queryset = PointOfSale.objects.exclude(
                pk=vehicle.point_of_sale_id
            )


class AuctionForm(forms.Form):
    starts_at = forms.DateTimeField(
        label=_("Début"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    ends_at = forms.DateTimeField(
        label=_("Fin"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    reserve_price = money_field(_("Prix de réserve"))

    def clean(self):
        from datetime import timedelta

        from django.utils import timezone

        data = super().clean()
        now = timezone.now()
        for name in ("starts_at", "ends_at"):
            moment = data.get(name)
            if moment and not now - timedelta(days=1) <= moment <= now + timedelta(days=730):
                self.add_error(name, _("Choisissez une date entre hier et dans deux ans."))
        return data


class AuctionCloseForm(forms.Form):
    winning_bid = money_field(_("Enchère gagnante"))
    winner = forms.CharField(label=_("Acquéreur"), max_length=160, required=False)
