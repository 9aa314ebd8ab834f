"""The customer list's filters (O-2): search, type, sort by name."""

import django_filters
from django.utils.translation import gettext_lazy as _

from openflex.core.lists import ListFilterSet, SearchFilter, SortFilter
from opportunities.customers import selectors
from opportunities.customers.models import Customer


class CustomerFilter(ListFilterSet):
    q = SearchFilter(
        method="filter_search",
        placeholder=_("Nom, email, téléphone"),
        attrs={"autofocus": True},
    )
    type = django_filters.ChoiceFilter(
        label=_("Type"), field_name="kind", choices=Customer.Kind.choices, empty_label=_("Tous")
    )
    sort = SortFilter(
        sorts={"name": ("last_name", "company_name", "first_name", "pk")}, default="name"
    )

    class Meta:
        model = Customer
        fields: list[str] = []

    def filter_search(self, queryset, name, value):
        return selectors.customers_matching(queryset, value)
