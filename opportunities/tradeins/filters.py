"""The validators' list of trade-ins (O-8): destination, brand, creation method."""

import django_filters
from django import forms
from django.db.models.functions import Upper
from django.utils.translation import gettext_lazy as _

from openflex.core.lists import ListFilterSet, SortFilter
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
        widget=forms.SelectMultiple(attrs={"size": 6}),
        help_text=_("Aucune marque choisie : toutes les marques."),
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
        super().__init__(*args, **kwargs)
        self.filters["brands"].extra["choices"] = [(b, b) for b in brands]

    def filter_brands(self, queryset, name, values):
        if not values:
            return queryset
        return queryset.annotate(brand_upper=Upper("brand")).filter(
            brand_upper__in=[b.upper() for b in values]
        )
