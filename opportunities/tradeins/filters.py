"""The validators' list of trade-ins (O-8): destination, brand, creation method."""

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from openflex.core.inputs import brand_key
from openflex.core.lists import ListFilterSet, SortFilter
from opportunities.tradeins.forms import BrandCheckboxes
from opportunities.tradeins.models import TradeIn


class TradeInValidationFilter(ListFilterSet):
    """The same fields as the validator's saved filters (ValidatorFilterForm): none
    chosen means all. The page opens on the saved ones (the view binds them)."""

    destinations = django_filters.MultipleChoiceFilter(
        label=_("Destination"),
        field_name="destination",
        choices=TradeIn.Destination.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Aucune case cochée : toutes les destinations."),
        distinct=False,
    )
    brands = django_filters.MultipleChoiceFilter(
        label=_("Marques"),
        choices=[],
        method="filter_brands",
        widget=BrandCheckboxes,
        help_text=_("Aucune case cochée : toutes les marques."),
        distinct=False,
    )
    methods = django_filters.MultipleChoiceFilter(
        label=_("Mode de création"),
        field_name="creation_method",
        choices=TradeIn.Method.choices,
        widget=forms.CheckboxSelectMultiple,
        distinct=False,
    )
    # The oldest request first: it has waited longest.
    sort = SortFilter(sorts={"created": ("created_at", "pk")}, default="created")

    class Meta:
        model = TradeIn
        fields: list[str] = []

    def __init__(self, *args, brands=(), **kwargs):
        """``brands``: ``(key, label)`` pairs (``tradein_brand_choices``)."""
        super().__init__(*args, **kwargs)
        self.filters["brands"].extra["choices"] = list(brands)

    def filter_brands(self, queryset, name, values):
        """On the stored key (``TradeIn.brand_key``): the same comparison in any database."""
        keys = sorted({key for key in map(brand_key, values) if key})
        return queryset.filter(brand_key__in=keys) if keys else queryset
