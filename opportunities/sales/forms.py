"""Forms of opportunities, offers, orders and the sales settings."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from openflex.accounts.models import User
from openflex.core.forms import MoneyField, MoneyInput
from opportunities.customers.models import Customer
from opportunities.sales.models import Appointment, Order, PaymentMethod, SalesSettings
from opportunities.sales.pricing import MAX_AMOUNT

MONEY_ERRORS = {
    "min_value": _("Le montant ne peut pas être négatif."),
    "max_value": _("Ce montant n'est pas plausible."),
    "invalid": _("Saisissez un montant."),
    "max_digits": _("Ce montant n'est pas plausible."),
    "max_whole_digits": _("Ce montant n'est pas plausible."),
}


def money_field(label, required=False, **kwargs):
    return MoneyField(
        label=label,
        required=required,
        min_value=0,
        max_value=MAX_AMOUNT,
        max_digits=12,
        decimal_places=2,
        error_messages={**MONEY_ERRORS, "max_decimal_places": _("Au plus 2 décimales.")},
        widget=MoneyInput(),
        **kwargs,
    )


class OpportunityForm(forms.Form):
    customer = forms.ModelChoiceField(
        label=_("N° du client"),
        queryset=Customer.objects.none(),
        widget=forms.NumberInput(attrs={"min": 1}),
        error_messages={"invalid_choice": _("Aucun de vos clients ne porte ce numéro.")},
    )
    salesperson = forms.ModelChoiceField(label=_("Vendeur"), queryset=User.objects.none())
    point_of_sale = forms.ModelChoiceField(label=_("Point de vente"), queryset=None)
    title = forms.CharField(label=_("Objet"), max_length=120, required=False)

    def __init__(self, *args, customers, salespeople, points_of_sale, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["customer"].queryset = customers
        self.fields["salesperson"].queryset = salespeople
        self.fields["point_of_sale"].queryset = points_of_sale


class SalespersonForm(forms.Form):
    salesperson = forms.ModelChoiceField(label=_("Vendeur"), queryset=User.objects.none())

    def __init__(self, *args, salespeople, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["salesperson"].queryset = salespeople


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Motif"), max_length=500, widget=forms.TextInput(attrs={"maxlength": 500})
    )


class FollowUpForm(forms.Form):
    message = forms.CharField(
        label=_("Message au client"), max_length=4000, widget=forms.Textarea(attrs={"rows": 5})
    )


class AppointmentForm(forms.Form):
    kind = forms.ChoiceField(choices=Appointment.Kind.choices, widget=forms.HiddenInput)
    starts_at = forms.DateTimeField(
        label=_("Date et heure"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%d/%m/%Y %H:%M"],
    )
    vehicle = forms.IntegerField(
        label=_("N° OpenFlex du véhicule"), required=False, min_value=1, max_value=2**62
    )
    note = forms.CharField(label=_("Note"), max_length=500, required=False)

    def clean_starts_at(self):
        value = self.cleaned_data["starts_at"]
        if value.year < 2000 or value > timezone.now() + timezone.timedelta(days=730):
            raise forms.ValidationError(_("Cette date n'est pas plausible."))
        return value


class VehicleChoiceForm(forms.Form):
    vehicle = forms.IntegerField(label=_("N° OpenFlex du véhicule"), min_value=1, max_value=2**62)


class CustomerChoiceForm(forms.Form):
    customer = forms.IntegerField(label=_("N° du client"), min_value=1, max_value=2**62)


class OfferHeaderForm(forms.Form):
    """The single-value fields of the offer builder; lines are read from parallel lists."""

    vehicle_price = money_field(_("Prix du véhicule TTC"), required=True)
    administrative_fees = money_field(_("Frais administratifs"))
    empty_weight = forms.IntegerField(
        label=_("Poids à vide avec conducteur (kg)"),
        required=False,
        min_value=0,
        max_value=60000,
    )
    trade_in_value = money_field(_("Valeur de reprise"))
    deposit = money_field(_("Acompte"))
    show_ht = forms.TypedChoiceField(
        label=_("Affichage"),
        choices=[("0", _("TTC")), ("1", _("HT"))],
        coerce=lambda v: v == "1",
        required=False,
        widget=forms.RadioSelect,
    )
    pack = forms.IntegerField(required=False, min_value=1, max_value=2**62)


class PaymentForm(forms.ModelForm):
    deposit_amount = money_field(_("Montant de l'acompte"))

    class Meta:
        model = Order
        fields = [
            "balance_method",
            "deposit_amount",
            "deposit_method",
            "deposit_not_online",
            "delivery_date",
            "latest_delivery_date",
        ]
        widgets = {
            "delivery_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "latest_delivery_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["balance_method"].choices = [("", "—"), *PaymentMethod.choices]
        self.fields["deposit_method"].choices = [
            ("", "—"),
            *[c for c in PaymentMethod.choices if c[0] != PaymentMethod.FINANCING],
        ]
        self.fields["balance_method"].required = True
        self.fields["balance_method"].error_messages["required"] = _(
            "Choisissez le mode de règlement du solde."
        )
        for name in ("delivery_date", "latest_delivery_date"):
            self.fields[name].error_messages["invalid"] = _("Saisissez une date valide.")

    def _post_clean(self):
        pass  # the service checks the payment rules (O-6)


class SalesSettingsForm(forms.ModelForm):
    class Meta:
        model = SalesSettings
        fields = ["neglect_days", "inactivity_cancel_days", "stock_entry_days"]
