"""Forms of the e-reservation (P-8): the internet user's request and the group's settings."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from openflex.core.forms import MoneyField
from payments.ereservations.models import EReservationSettings
from payments.ereservations.services import mobile_normalise

CIVILITIES = [("", "—"), ("M.", "M."), ("Mme", "Mme")]


class EReservationForm(forms.Form):
    """ "Réserver ce véhicule": each error says what is wrong next to its field; the
    values typed are kept (X-4)."""

    civility = forms.ChoiceField(
        label=_("Civilité"),
        choices=CIVILITIES,
        error_messages={"required": _("Choisissez votre civilité.")},
    )
    last_name = forms.CharField(
        label=_("Nom"),
        max_length=80,
        error_messages={"required": _("Indiquez votre nom.")},
        widget=forms.TextInput(attrs={"autocomplete": "family-name"}),
    )
    first_name = forms.CharField(
        label=_("Prénom"),
        max_length=80,
        error_messages={"required": _("Indiquez votre prénom.")},
        widget=forms.TextInput(attrs={"autocomplete": "given-name"}),
    )
    email = forms.EmailField(
        label=_("Email"),
        max_length=254,
        error_messages={
            "required": _("Indiquez votre adresse email."),
            "invalid": _("Indiquez une adresse email valide, par exemple nom@exemple.fr."),
        },
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    mobile = forms.CharField(
        label=_("Mobile"),
        max_length=25,
        error_messages={"required": _("Indiquez votre numéro de mobile.")},
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )

    def clean_last_name(self):
        return self.cleaned_data["last_name"].replace("\x00", "").strip()

    def clean_first_name(self):
        return self.cleaned_data["first_name"].replace("\x00", "").strip()

    def clean_mobile(self):
        try:
            return mobile_normalise(self.cleaned_data["mobile"])
        except ValidationError as exc:
            raise ValidationError(exc.message_dict["mobile"]) from None


class EReservationSettingsForm(forms.ModelForm):
    amount = MoneyField(
        label=_("Montant de la e-réservation (€ TTC)"),
        min_value=1,
        max_value=10000,
        decimal_places=2,
    )

    class Meta:
        model = EReservationSettings
        fields = ["enabled", "duration_hours", "amount"]
