"""Forms of the leads' inbox: manual creation, status, assignment, conversion, and the
point of sale's settings (lifetime, reminders, who is assigned to each lead type)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from leads.inbox.models import LeadSettings, LeadStatus, LeadTag
from leads.intake.models import LeadSource


class LeadTaskForm(forms.Form):
    """Manual creation (L-1); the service validates the contact (E.164 mobile …)."""

    point_of_sale = forms.ModelChoiceField(label=_("Point de vente"), queryset=None)
    source = forms.ModelChoiceField(label=_("Source"), queryset=None)
    civility = forms.ChoiceField(
        label=_("Civilité"), choices=[("", "—"), ("M.", "M."), ("Mme", "Mme")], required=False
    )
    last_name = forms.CharField(label=_("Nom"), max_length=80, required=False)
    first_name = forms.CharField(label=_("Prénom"), max_length=80, required=False)
    email = forms.CharField(label=_("Email"), max_length=254, required=False)
    mobile = forms.CharField(label=_("Mobile"), max_length=30, required=False)
    tags = forms.ModelMultipleChoiceField(
        label=_("Étiquettes"),
        queryset=LeadTag.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    vehicle_reference = forms.CharField(
        label=_("Véhicule (n° OpenFlex ou VIN)"), max_length=40, required=False
    )
    message = forms.CharField(
        label=_("Message"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    take = forms.BooleanField(label=_("Je prends la tâche"), required=False, initial=True)

    def __init__(self, *args, points_of_sale, sources, tags, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["point_of_sale"].queryset = points_of_sale
        self.fields["source"].queryset = sources
        self.fields["tags"].queryset = tags
        self.fields["email"].widget.attrs["autocomplete"] = "off"
        self.fields["mobile"].widget.attrs["inputmode"] = "tel"


class StatusForm(forms.Form):
    status = forms.ModelChoiceField(label=_("Statut"), queryset=None)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].queryset = LeadStatus.objects.filter(is_active=True).order_by(
            "position", "pk"
        )


class AssignForm(forms.Form):
    user = forms.ModelChoiceField(label=_("Attribuer à"), queryset=None, required=False)

    def __init__(self, *args, users, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = users
        self.fields["user"].empty_label = _("Personne")


class ConvertForm(forms.Form):
    """The user's choice when customers match the contact: one of them, or a new one."""

    customer = forms.ChoiceField(label=_("Client"), widget=forms.RadioSelect)

    def __init__(self, *args, matches, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["customer"].choices = [
            (str(c.pk), f"{c.display_name} — {c.email or ''} {c.mobile or ''}".strip())
            for c in matches
        ] + [("nouveau", _("Créer un nouveau client"))]


class LeadSettingsForm(forms.ModelForm):
    class Meta:
        model = LeadSettings
        fields = ["lifetime_minutes", "reminders_enabled", "reminder_count"]
        widgets = {"reminder_count": forms.RadioSelect}


class AssignmentsForm(forms.Form):
    """One multiple choice of users per lead type (VN, VO, VD, APV …)."""

    def __init__(self, *args, lead_types, users, current, **kwargs):
        super().__init__(*args, **kwargs)
        self.lead_types = list(lead_types)
        for lead_type in self.lead_types:
            self.fields[f"type_{lead_type.pk}"] = forms.ModelMultipleChoiceField(
                label=lead_type.name,
                queryset=users,
                required=False,
                widget=forms.CheckboxSelectMultiple,
                initial=current.get(lead_type.pk, []),
            )

    def chosen(self) -> dict[int, list]:
        return {t.pk: list(self.cleaned_data[f"type_{t.pk}"]) for t in self.lead_types}


class LeadSourceForm(forms.ModelForm):
    class Meta:
        model = LeadSource
        fields = ["name", "category", "default_point_of_sale", "is_active"]


class ApiKeyForm(forms.Form):
    label = forms.CharField(label=_("Libellé de la clé"), max_length=80, required=False)


class LeadTagForm(forms.ModelForm):
    class Meta:
        model = LeadTag
        fields = ["name", "group"]


class LeadStatusForm(forms.ModelForm):
    class Meta:
        model = LeadStatus
        fields = ["name", "counts_as_handled", "is_appointment", "is_active"]
