"""Forms of the e-signature's business effects: the signer's contact before a resend (S-5,
S-8) — only the email and the mobile may be corrected; anything else needs a new
document."""

import phonenumbers
from django import forms
from django.utils.translation import gettext_lazy as _


def mobile_normalise(value: str) -> str:
    """A mobile number the SMS can reach: French by default ("06 12 34 56 78"), or
    international ("+32 470 12 34 56"). Raises ValidationError otherwise."""
    raw = (value or "").replace("\x00", "").strip()
    try:
        number = phonenumbers.parse(raw, "FR")
    except phonenumbers.NumberParseException:
        raise forms.ValidationError(
            _("Ce numéro de mobile n'est pas valide."), code="mobile"
        ) from None
    kind = phonenumbers.number_type(number)
    if not phonenumbers.is_valid_number(number) or kind not in (
        phonenumbers.PhoneNumberType.MOBILE,
        phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
    ):
        raise forms.ValidationError(
            _("Indiquez un numéro de mobile (il reçoit le code par SMS)."), code="mobile"
        )
    if number.country_code == 33:
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


class ContactForm(forms.Form):
    """The signer's email and mobile, checked and corrected before a link is sent again."""

    email = forms.EmailField(label=_("Email"), max_length=254)
    mobile = forms.CharField(label=_("Mobile"), max_length=20)

    def __init__(self, *args, prefix_id: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].widget.attrs.update({"autocomplete": "off", "inputmode": "email"})
        self.fields["mobile"].widget.attrs.update({"inputmode": "tel", "autocomplete": "off"})
        if prefix_id:
            self.auto_id = f"{prefix_id}-%s"

    def clean_email(self) -> str:
        return self.cleaned_data["email"].strip().lower()

    def clean_mobile(self) -> str:
        return mobile_normalise(self.cleaned_data["mobile"])


class ResendForm(ContactForm):
    """A row of the S-8 list: the contact, and what to send again."""

    WHAT = [("esign", _("e-signature")), ("epay", _("e-paiement")), ("both", _("les deux"))]
    what = forms.ChoiceField(
        choices=WHAT,
        error_messages={
            "required": _("Choisissez le lien à renvoyer."),
            "invalid_choice": _("Choisissez le lien à renvoyer."),
        },
    )
