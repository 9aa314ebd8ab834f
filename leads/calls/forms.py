"""The administrators' form of a tracking number (L-3)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from leads.calls.models import TrackingNumber
from leads.inbox.models import LeadTag
from leads.inbox.phones import phone_normalise
from leads.intake.models import LeadSource
from openflex.accounts.models import PointOfSale


class TrackingNumberForm(forms.ModelForm):
    """The number and its point of sale at creation; then the label and the settings."""

    class Meta:
        model = TrackingNumber
        fields = [
            "point_of_sale",
            "number",
            "label",
            "source",
            "tags",
            "missed_creates_task",
            "missed_task_status",
            "missed_task_state",
            "connected_creates_task",
            "connected_task_status",
            "connected_task_state",
            "is_active",
        ]
        widgets = {
            "tags": forms.CheckboxSelectMultiple,
            "number": forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
        }
        error_messages = {"number": {"unique": _("Ce numéro traceur existe déjà.")}}
        help_texts = {
            "number": _("Par exemple 04 78 00 00 01 ou +33 4 78 00 00 01."),
            "source": _("Vide : la source de la clé d'API de l'opérateur téléphonique."),
            "tags": _("Ajoutées aux tâches créées par les appels (type de lead …)."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["point_of_sale"].queryset = PointOfSale.objects.select_related(
            "entity"
        ).order_by("name")
        self.fields["point_of_sale"].empty_label = None
        self.fields["source"].queryset = LeadSource.objects.select_related("category")
        self.fields["source"].empty_label = _("Source de l'opérateur")
        self.fields["tags"].queryset = LeadTag.objects.all()
        # Inside the "Appels manqués" / "Appels connectés" fieldsets: short labels.
        for kind in ("missed", "connected"):
            self.fields[f"{kind}_creates_task"].label = _("Créer une tâche")
            self.fields[f"{kind}_task_status"].label = _("Statut de la tâche")
            self.fields[f"{kind}_task_state"].label = _("État de la tâche")
        self.fields["number"].required = self.instance.pk is None
        if self.instance.pk is not None:
            # The number and the point of sale stay: the calls and statistics keep them.
            for name in ("number", "point_of_sale"):
                self.fields[name].disabled = True

    def clean_number(self):
        """The number in E.164 ("04 78 …" → "+33478…"), its error next to the field."""
        if self.instance.pk is not None:
            return self.instance.number
        try:
            return phone_normalise(self.cleaned_data.get("number") or "")
        except ValueError:
            raise forms.ValidationError(_("Ce numéro de téléphone n'est pas valide.")) from None
