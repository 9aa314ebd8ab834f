"""Forms of Paramètres › Produits additionnels and of the vehicle page section (V-10).

The forms only parse what was typed; the rules live in ``products._clean`` and come back
as errors keyed by field (X-4: the message next to the field, typed values kept).
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from openflex.core.forms import MoneyField
from opportunities.fields import MAX_AMOUNT
from opportunities.products.models import Product
from opportunities.products.services import MAX_ELEMENTS, NAME_MAX
from vehicles.models import Energy, Parc

PRICE_ERRORS = {
    "required": _("Indiquez le prix."),
    "invalid": _("Saisissez un montant."),
    "min_value": _("Le prix ne peut pas être négatif."),
    "max_value": _("Le prix ne peut pas dépasser 9 999 999,99 €."),
    "max_digits": _("Le prix ne peut pas dépasser 9 999 999,99 €."),
    "max_whole_digits": _("Le prix ne peut pas dépasser 9 999 999,99 €."),
    "max_decimal_places": _("Deux décimales au plus."),
}
LIST_MAX = 2000  # characters of a comma-separated list


def price_field(**kwargs) -> forms.DecimalField:
    return MoneyField(
        max_digits=12,
        decimal_places=2,
        min_value=0,
        max_value=MAX_AMOUNT,
        error_messages=PRICE_ERRORS,
        **kwargs,
    )


def split_values(text: str) -> list[str]:
    return [part.strip() for part in (text or "").split(",") if part.strip()]


class ProductForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Type"),
        choices=Product.Kind.choices,
        error_messages={
            "required": _("Choisissez le type de produit."),
            "invalid_choice": _("Choisissez le type de produit."),
        },
    )
    name = forms.CharField(
        label=_("Libellé"),
        max_length=NAME_MAX,
        error_messages={
            "required": _("Indiquez le libellé."),
            "max_length": _("Le libellé ne peut pas dépasser %(limit_value)d caractères."),
        },
    )
    price = price_field(label=_("Prix TTC (€)"))
    vehicle_types = forms.MultipleChoiceField(
        label=_("Types de véhicule"),
        choices=Parc.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Aucune case cochée : tous les types."),
        error_messages={"invalid_choice": _("Type de véhicule inconnu : %(value)s.")},
    )
    energies = forms.MultipleChoiceField(
        label=_("Énergies"),
        choices=Energy.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Aucune case cochée : toutes les énergies."),
        error_messages={"invalid_choice": _("Énergie inconnue : %(value)s.")},
    )
    brands = forms.CharField(
        label=_("Marques"),
        required=False,
        max_length=LIST_MAX,
        help_text=_("Séparées par des virgules (ex. : Renault, Dacia). Vide : toutes."),
        error_messages={"max_length": _("%(limit_value)d caractères au plus.")},
    )
    model_names = forms.CharField(
        label=_("Modèles"),
        required=False,
        max_length=LIST_MAX,
        help_text=_("Séparés par des virgules (ex. : Clio, Captur). Vide : tous."),
        error_messages={"max_length": _("%(limit_value)d caractères au plus.")},
    )

    PACK_FIELDS = ("vehicle_types", "energies", "brands", "model_names")

    def __init__(self, *args, product: Product | None = None, **kwargs):
        if product is not None and "initial" not in kwargs and not args:
            kwargs["initial"] = {
                "kind": product.kind,
                "name": product.name,
                "price": product.price,
                "vehicle_types": product.vehicle_types,
                "energies": product.energies,
                "brands": ", ".join(product.brands),
                "model_names": ", ".join(product.model_names),
            }
        super().__init__(*args, **kwargs)
        self.product = product
        if product is not None:
            # The type of a product does not change; packs alone have a compatibility.
            self.fields.pop("kind")
            if product.kind != Product.Kind.PACK:
                for name in self.PACK_FIELDS:
                    self.fields.pop(name)

    @property
    def is_pack_form(self) -> bool:
        return "vehicle_types" in self.fields

    def clean_brands(self) -> list[str]:
        return split_values(self.cleaned_data["brands"])

    def clean_model_names(self) -> list[str]:
        return split_values(self.cleaned_data["model_names"])

    def service_values(self) -> dict:
        data = self.cleaned_data
        return {
            "name": data["name"],
            "price": data["price"],
            **{name: data.get(name) or [] for name in self.PACK_FIELDS},
        }


class PackElementForm(forms.Form):
    """One row of a pack's elements; an empty row is ignored (that is how a row is removed)."""

    label = forms.CharField(
        label=_("Élément"),
        required=False,
        widget=forms.TextInput(attrs={"aria-label": _("Libellé de l'élément")}),
        max_length=NAME_MAX,
        error_messages={
            "max_length": _("Le libellé ne peut pas dépasser %(limit_value)d caractères.")
        },
    )
    price = price_field(label=_("Prix TTC (€)"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["price"].widget.attrs["aria-label"] = _("Prix TTC de l'élément")

    def clean(self):
        data = super().clean()
        label, price = (data.get("label") or "").strip(), data.get("price")
        if self.errors:
            return data
        if label and price is None:
            self.add_error("price", _("Indiquez le prix."))
        elif price is not None and not label:
            self.add_error("label", _("Indiquez le libellé."))
        return data

    @property
    def row(self) -> tuple[str, object] | None:
        data = getattr(self, "cleaned_data", {})
        label = (data.get("label") or "").strip()
        return (label, data["price"]) if label and data.get("price") is not None else None


PackElementFormSet = forms.formset_factory(
    PackElementForm,
    extra=3,
    max_num=MAX_ELEMENTS,
    validate_max=True,
    absolute_max=MAX_ELEMENTS + 3,
)
PackElementFormSet.default_error_messages = {
    **forms.BaseFormSet.default_error_messages,
    "too_many_forms": _("Un pack a %(num)d éléments au plus."),
    "missing_management_form": _("Le formulaire est incomplet : rechargez la page."),
}


def element_formset(data=None, *, product: Product | None = None):
    initial = None
    if data is None and product is not None:
        initial = [{"label": e.label, "price": e.price} for e in product.elements.all()]
    return PackElementFormSet(data, initial=initial, prefix="elements")


class AttachForm(forms.Form):
    """The accessory or service to attach to a vehicle (choices from the panel selector)."""

    product = forms.TypedChoiceField(
        label=_("Accessoire ou prestation"),
        coerce=int,
        error_messages={
            "required": _("Choisissez un produit."),
            "invalid_choice": _("Choisissez un produit de la liste."),
        },
    )

    def __init__(self, *args, products=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["product"].choices = [("", "—")] + [
            (p.pk, f"{p.get_kind_display()} · {p.name}") for p in products
        ]
