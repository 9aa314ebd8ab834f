import django_filters
from django.utils.translation import gettext_lazy as _

from openflex.core.lists import ListFilterSet, SearchFilter, SortFilter
from signatures.promotions.models import PromotionalOperation


class PromotionFilter(ListFilterSet):
    q = SearchFilter(method="filter_search", placeholder=_("Nom de l'opération"))
    active = django_filters.BooleanFilter(label=_("Active"))
    sort = SortFilter(sorts={"start": ("starts_on", "id")}, default="-start")

    class Meta:
        model = PromotionalOperation
        fields: list[str] = []

    def filter_search(self, queryset, name, value):
        return queryset.filter(name__icontains=value)
