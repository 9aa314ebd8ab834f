"""The e-payment configuration form of a point of sale (P-1): secrets never shown back."""

from django import forms
from django.utils.translation import gettext_lazy as _

from payments.transactions.models import PaymentConfiguration


class PaymentConfigurationForm(forms.ModelForm):
    sha_in = forms.CharField(
        label=_("Clé de cryptage SHA-IN"),
        required=False,
        max_length=200,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
    )
    sha_out = forms.CharField(
        label=_("Clé de cryptage SHA-OUT"),
        required=False,
        max_length=200,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
    )
    api_password = forms.CharField(
        label=_("Mot de passe de l'utilisateur API"),
        required=False,
        max_length=200,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
    )

    class Meta:
        model = PaymentConfiguration
        # The secrets are declared above, not model fields of the form: the instance keeps
        # its stored value when they are left blank (the service decides).
        fields = ["provider", "pspid", "hash_algorithm", "mode", "api_user"]

    field_order = [
        "provider",
        "pspid",
        "sha_in",
        "sha_out",
        "hash_algorithm",
        "mode",
        "api_user",
        "api_password",
    ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        configured = self.instance.pk is not None
        for name in ("sha_in", "sha_out", "api_password"):
            self.initial[name] = ""
            if configured:
                self.fields[name].help_text = _("Laisser vide pour conserver la clé enregistrée.")
        self.fields["pspid"].widget.attrs["autocomplete"] = "off"

    def clean(self):
        data = super().clean()
        configured = self.instance.pk is not None
        for name in ("sha_in", "sha_out"):
            if not configured and not data.get(name):
                self.add_error(name, _("Ce champ est obligatoire."))
            elif data.get(name) and len(data[name]) < 8:
                self.add_error(name, _("Au moins 8 caractères."))
        if data.get("sha_in") and data.get("sha_in") == data.get("sha_out"):
            self.add_error("sha_out", _("Les clés SHA-IN et SHA-OUT doivent être différentes."))
        return data
