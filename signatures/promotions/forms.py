from django import forms
from django.utils.translation import gettext_lazy as _

from signatures.promotions.models import PromotionalOperation
from vehicles.models import Vehicle


class PromotionForm(forms.ModelForm):
    vehicle_numbers = forms.CharField(
        label=_("Véhicules (n° OpenFlex, séparés par des virgules)"),
        required=False,
        help_text=_("Vide : l'opération s'applique aux véhicules répondant aux critères."),
    )

    class Meta:
        model = PromotionalOperation
        fields = ["name", "starts_on", "ends_on", "cumulative", "brand", "parc", "active"]
        widgets = {
            "starts_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "ends_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and not self.is_bound:
            numbers = self.instance.vehicles.values_list("number", flat=True)
            self.initial["vehicle_numbers"] = ", ".join(str(n) for n in numbers)

    def clean_vehicle_numbers(self):
        raw = self.cleaned_data["vehicle_numbers"]
        parts = [p.strip() for p in raw.replace(";", ",").split(",") if p.strip()]
        if any(not p.isdigit() for p in parts):
            raise forms.ValidationError(
                _("Saisissez des numéros de véhicule séparés par des virgules.")
            )
        numbers = {int(p) for p in parts}
        found = set(Vehicle.objects.filter(number__in=numbers).values_list("number", flat=True))
        missing = sorted(numbers - found)
        if missing:
            raise forms.ValidationError(
                _("Véhicule(s) introuvable(s) : %s") % ", ".join(str(n) for n in missing)
            )
        return sorted(found)

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("starts_on"), cleaned.get("ends_on")
        if start and end and end < start:
            self.add_error("ends_on", _("La fin précède le début."))
        return cleaned
