"""Forms of the trade-ins (O-8). The services check everything again (tradeins.tradein_clean)."""

from django import forms
from django.core.validators import FileExtensionValidator
from django.utils.translation import gettext_lazy as _

from openflex.core.forms import ReasonField
from openflex.core.images import image_check
from openflex.core.inputs import brand_key
from opportunities.sales.forms import money_field
from opportunities.sales.models import Offer
from opportunities.tradeins.models import TradeIn
from opportunities.tradeins.selectors import MAX_MILEAGE, PHOTO_EXTENSIONS
from vehicles.models import Energy


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleImageField(forms.ImageField):
    """Photos checked by Pillow (a file named .html and sent as "image/png" is refused,
    so is an image over ``openflex.core.images.MAX_PIXELS``)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": "image/*"}))
        kwargs.setdefault("required", False)
        kwargs.setdefault(
            "error_messages",
            {
                # "not an image" and "too big": openflex.core.images
                "invalid_extension": _(
                    "« %(value)s » : seules les photos JPEG, PNG, WebP ou GIF sont acceptées."
                ),
            },
        )
        super().__init__(*args, **kwargs)
        self.validators = [
            FileExtensionValidator(
                allowed_extensions=sorted(PHOTO_EXTENSIONS),
                message=self.error_messages["invalid_extension"],
            )
        ]

    def to_python(self, data):
        """The header and the structure only (no pixel decoded): a 144-megapixel PNG of a
        few kilobytes is refused with its own message; the service re-encodes."""
        data = forms.FileField.to_python(self, data)
        if data is not None:
            image_check(data)
        return data

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data if d]
        return [single(data, initial)] if data else []


class TradeInForm(forms.Form):
    """The customer's vehicle and the values; ``opportunity`` gives the offers en cours."""

    kind = forms.ChoiceField(label=_("Type de reprise"), choices=TradeIn.Kind.choices)
    offer = forms.ModelChoiceField(
        label=_("Offre en cours concernée (reprise avec commande)"),
        queryset=Offer.objects.none(),
        required=False,
        empty_label=_("— aucune —"),
    )
    destination = forms.ChoiceField(label=_("Destination"), choices=TradeIn.Destination.choices)
    brand = forms.CharField(label=_("Marque"), max_length=60)
    model = forms.CharField(label=_("Modèle"), max_length=80)
    version = forms.CharField(label=_("Version"), max_length=160, required=False)
    energy = forms.ChoiceField(
        label=_("Énergie"), choices=[("", "—"), *Energy.choices], required=False
    )
    registration = forms.CharField(label=_("Immatriculation"), max_length=20, required=False)
    vin = forms.CharField(label=_("N° de châssis (VIN)"), max_length=40, required=False)
    mileage = forms.IntegerField(
        label=_("Kilométrage"),
        min_value=0,
        max_value=MAX_MILEAGE,
        required=False,
        error_messages={
            "min_value": _("Le kilométrage ne peut pas être négatif."),
            "max_value": _("Ce kilométrage n'est pas plausible."),
            "invalid": _("Saisissez un kilométrage en km."),
        },
    )
    first_registration = forms.DateField(
        label=_("Date de 1re immatriculation (MEC)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
        error_messages={"invalid": _("Saisissez une date valide.")},
    )
    condition = forms.CharField(
        label=_("État du véhicule"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    estimate = money_field(_("Estimation (€)"))
    requested_value = money_field(_("Valeur demandée par le client (€)"))
    proposed_value = money_field(_("Valeur proposée (€)"))
    photos = MultipleImageField(label=_("Photos (facultatif)"))

    def __init__(self, *args, opportunity=None, with_kind=True, **kwargs):
        super().__init__(*args, **kwargs)
        if opportunity is not None:
            self.fields["offer"].queryset = Offer.objects.filter(
                opportunity=opportunity, status=Offer.Status.OPEN
            ).select_related("vehicle")
            self.fields["offer"].label_from_instance = lambda o: (
                f"Offre n° {o.pk} — {o.vehicle.brand} {o.vehicle.model}"
            )
        else:
            del self.fields["offer"]
        if not with_kind:
            del self.fields["kind"]

    def service_values(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("photos", None)
        data.pop("offer", None)
        return data


class TradeInRequestForm(TradeInForm):
    """An estimate request made by a requester (creation method "Demandeurs")."""

    point_of_sale = forms.ModelChoiceField(label=_("Point de vente"), queryset=None)

    field_order = ["point_of_sale", "destination"]

    def __init__(self, *args, points_of_sale=None, **kwargs):
        super().__init__(*args, opportunity=None, with_kind=False, **kwargs)
        self.fields["point_of_sale"].queryset = points_of_sale
        first = list(points_of_sale[:2]) if points_of_sale is not None else []
        if len(first) == 1:
            self.fields["point_of_sale"].initial = first[0].pk

    def service_values(self) -> dict:
        data = super().service_values()
        data.pop("point_of_sale", None)
        return data


class TradeInRefuseForm(forms.Form):
    reason = ReasonField(
        label=_("Motif du refus"),
        required=True,
        required_message=_("Indiquez le motif du refus."),
    )


class BrandCheckboxes(forms.CheckboxSelectMultiple):
    """The brand checkboxes of the validators' filters: their values are brand keys
    (``tradein_brand_choices``), and a value sent otherwise spelt ("Citroën", a bookmarked
    "CITROEN") checks and filters the same box."""

    def value_from_datadict(self, data, files, name):
        values = super().value_from_datadict(data, files, name) or []
        if isinstance(values, str):
            values = [values]
        return list(dict.fromkeys(key for key in map(brand_key, values) if key))


class ValidatorFilterForm(forms.Form):
    destinations = forms.MultipleChoiceField(
        label=_("Destination"),
        choices=TradeIn.Destination.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Aucune case cochée : toutes les destinations."),
    )
    brands = forms.MultipleChoiceField(
        label=_("Marques"),
        required=False,
        widget=BrandCheckboxes,
        help_text=_("Aucune case cochée : toutes les marques."),
    )
    methods = forms.MultipleChoiceField(
        label=_("Mode de création"),
        choices=TradeIn.Method.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, brands=(), **kwargs):
        """``brands``: ``(key, label)`` pairs (``tradein_brand_choices``)."""
        super().__init__(*args, **kwargs)
        self.fields["brands"].choices = list(brands)
