from django import forms
from django.utils.translation import gettext_lazy as _

from openflex.accounts.models import Entity

MAX_UPLOAD = 20 * 1024 * 1024


class VerifyForm(forms.Form):
    document = forms.FileField(
        label=_("Document PDF signé"),
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,.pdf"}),
    )

    def clean_document(self):
        upload = self.cleaned_data["document"]
        if upload.size > MAX_UPLOAD:
            raise forms.ValidationError(_("Fichier trop volumineux (20 Mo au plus)."))
        data = upload.read()
        if not data.startswith(b"%PDF"):
            raise forms.ValidationError(_("Ce fichier n'est pas un PDF."))
        return data


class CertificateForm(forms.Form):
    entity = forms.ModelChoiceField(label=_("Entité"), queryset=Entity.objects.order_by("name"))
    pkcs12 = forms.FileField(
        label=_("Certificat (fichier PKCS#12 .p12 / .pfx)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".p12,.pfx"}),
    )
    password = forms.CharField(
        label=_("Mot de passe du fichier"),
        required=False,
        strip=False,
        widget=forms.PasswordInput(render_value=False),
    )

    def clean_pkcs12(self):
        upload = self.cleaned_data["pkcs12"]
        if upload.size > 1024 * 1024:
            raise forms.ValidationError(_("Fichier trop volumineux."))
        return upload.read()
