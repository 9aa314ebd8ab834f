from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from .models import PointOfSale, User, UserGroup, UserGroupType
from .services import rights_queryset


class LoginForm(AuthenticationForm):
    username = forms.EmailField(
        label=_("Adresse email"),
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"}),
    )
    error_messages = {
        "invalid_login": _("Email ou mot de passe incorrect."),
        "inactive": _("Ce compte est désactivé."),
    }

    def clean_username(self) -> str:
        # Emails are stored in lower case: "Margot.Lemaire@…" logs in as well.
        return self.cleaned_data["username"].strip().lower()


def axes_username(request, credentials: dict | None = None) -> str:
    """The username that django-axes counts failures for: the email in lower case.

    Without it, ``Jean@x`` and ``jean@x`` would be two counters for one account.
    """
    if credentials and credentials.get("username"):
        value = credentials["username"]
    else:
        value = getattr(request, "POST", {}).get("username", "")
    return (value or "").strip().lower()


class PasswordResetRequestForm(forms.Form):
    """ "Mot de passe oublié": the email only; the account is looked up in the background
    (services.password_reset_request), so that the answer never tells whether it exists."""

    email = forms.EmailField(
        label=_("Adresse email"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )


class ProfileForm(forms.Form):
    last_name = forms.CharField(label=_("Nom"), max_length=80)
    first_name = forms.CharField(label=_("Prénom"), max_length=80)
    phone = forms.RegexField(
        label=_("Téléphone"),
        max_length=30,
        required=False,
        regex=r"^\+?[0-9 .()-]{6,30}$",
        error_messages={"invalid": _("Numéro de téléphone invalide.")},
    )


class EmailChangeForm(forms.Form):
    new_email = forms.EmailField(label=_("Nouvelle adresse email"), max_length=254)


class SecurityCodeForm(forms.Form):
    code = forms.RegexField(
        label=_("Code de sécurité"),
        regex=r"^\s*\d{6}\s*$",
        error_messages={"invalid": _("Le code comporte 6 chiffres.")},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
    )


class AccountForm(forms.Form):
    email = forms.EmailField(label=_("Adresse email"))
    last_name = forms.CharField(label=_("Nom"), max_length=80)
    first_name = forms.CharField(label=_("Prénom"), max_length=80)
    phone = forms.CharField(label=_("Téléphone"), max_length=30, required=False)
    user_groups = forms.ModelMultipleChoiceField(
        label=_("Groupes d'utilisateurs"),
        queryset=UserGroup.objects.all(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    points_of_sale = forms.ModelMultipleChoiceField(
        label=_("Points de vente"),
        queryset=PointOfSale.objects.select_related("entity"),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    rights = forms.ModelMultipleChoiceField(
        label=_("Droits individuels"),
        queryset=rights_queryset(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    def __init__(self, *args, instance: User | None = None, **kwargs):
        self.instance = instance
        if instance is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "email": instance.email,
                "last_name": instance.last_name,
                "first_name": instance.first_name,
                "phone": instance.phone,
                "user_groups": list(UserGroup.objects.filter(user=instance)),
                "points_of_sale": list(instance.points_of_sale.all()),
                "rights": list(instance.user_permissions.all()),
            }
        super().__init__(*args, **kwargs)
        self.fields["rights"].label_from_instance = lambda p: p.name
        if instance is not None:
            self.fields["email"].disabled = True
            self.fields["email"].help_text = _(
                "L'email se change depuis le profil de la personne (code de sécurité)."
            )


class UserGroupForm(forms.Form):
    name = forms.CharField(label=_("Nom"), max_length=150)
    type = forms.ChoiceField(label=_("Type"), choices=UserGroupType.choices)
    description = forms.CharField(label=_("Description"), max_length=255, required=False)
    rights = forms.ModelMultipleChoiceField(
        label=_("Droits"),
        queryset=rights_queryset(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    def __init__(self, *args, instance: UserGroup | None = None, **kwargs):
        self.instance = instance
        if instance is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "name": instance.name,
                "type": instance.type,
                "description": instance.description,
                "rights": list(instance.permissions.all()),
            }
        super().__init__(*args, **kwargs)
        self.fields["rights"].label_from_instance = lambda p: p.name

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        qs = UserGroup.objects.filter(name__iexact=name)
        if self.instance is not None:
            qs = qs.exclude(pk=self.instance.pk)
        if qs.exists():
            raise forms.ValidationError(_("Un groupe porte déjà ce nom."))
        return name
