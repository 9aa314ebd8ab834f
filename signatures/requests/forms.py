"""Forms of the signing page and of the e-signature settings."""

from django import forms
from django.utils.translation import gettext_lazy as _

from signatures.requests.models import AnnexKind, SignatureSettings


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code reçu par SMS"),
        min_length=6,
        max_length=6,
        error_messages={
            "required": _("Saisissez le code à 6 chiffres reçu par SMS."),
            "min_length": _("Le code comporte 6 chiffres."),
            "max_length": _("Le code comporte 6 chiffres."),
        },
        widget=forms.TextInput(
            attrs={
                "inputmode": "numeric",
                "autocomplete": "one-time-code",
                "pattern": "[0-9]{6}",
                "maxlength": "6",
            }
        ),
    )

    def clean_code(self):
        code = self.cleaned_data["code"].strip()
        if not code.isdigit():
            raise forms.ValidationError(_("Le code comporte 6 chiffres."))
        return code


class RefuseForm(forms.Form):
    reason = forms.CharField(
        label=_("Motif du refus (facultatif)"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class SignatureSettingsForm(forms.ModelForm):
    annexes = forms.MultipleChoiceField(
        label=_("Annexes jointes au bon de commande"),
        choices=AnnexKind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = SignatureSettings
        fields = [
            "expiry_days",
            "reminder_after_days",
            "reminder_every_days",
            "reminder_max",
            "annexes",
        ]
