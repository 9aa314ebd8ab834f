"""The filters of Paramètres › SMS envoyés (the list recipe, openflex/core/lists.py)."""

import django_filters
from django.utils.translation import gettext_lazy as _

from openflex.core.lists import ListFilterSet, SearchFilter, SortFilter
from signatures.sms.models import SmsMessage


class SmsMessageFilter(ListFilterSet):
    q = SearchFilter(method="filter_search", placeholder=_("Numéro"))
    status = django_filters.ChoiceFilter(
        label=_("Statut"), choices=SmsMessage.Status.choices, empty_label=_("Tous")
    )
    sort = SortFilter(sorts={"created": ("created_at", "id")}, default="-created")

    class Meta:
        model = SmsMessage
        fields: list[str] = []

    def filter_search(self, queryset, name, value):
        digits = "".join(c for c in value if c.isdigit())
        return queryset.filter(to__contains=digits[-9:] if digits else value)
