"""The filters of Paramètres › Produits additionnels (V-10)."""

import django_filters
from django.utils.translation import gettext_lazy as _

from openflex.core.lists import ListFilterSet, SearchFilter, SortFilter
from opportunities.products.models import Product


class ProductFilter(ListFilterSet):
    q = SearchFilter(field_name="name", lookup_expr="icontains", placeholder=_("Libellé"))
    kind = django_filters.ChoiceFilter(
        label=_("Type"), choices=Product.Kind.choices, empty_label=_("Tous")
    )
    # By type (packs first, as Product.Kind), then by name.
    sort = SortFilter(
        sorts={"kind": ("kind_rank", "name", "pk"), "name": ("name", "pk")},
        labels={"kind": _("Type"), "name": _("Libellé")},
        default="kind",
    )

    class Meta:
        model = Product
        fields: list[str] = []
