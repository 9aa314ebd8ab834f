"""The account list's filters (ORG-3): search, group type, state, sort by name."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from openflex.core.lists import ListFilterSet, SearchFilter, SortFilter

from . import selectors
from .models import User, UserGroupType


class UserFilter(ListFilterSet):
    q = SearchFilter(method="filter_search", placeholder=_("Nom, prénom, email"))
    type = django_filters.ChoiceFilter(
        label=_("Type de groupe"),
        field_name="groups__usergroup__type",
        choices=UserGroupType.choices,
        empty_label=_("Tous"),
        distinct=True,
    )
    state = django_filters.ChoiceFilter(
        label=_("État"),
        choices=[
            ("active", _("Actifs")),
            ("pending", _("En attente d'activation")),
            ("inactive", _("Désactivés")),
        ],
        method="filter_state",
        empty_label=_("Tous"),
    )
    sort = SortFilter(sorts={"name": ("last_name", "first_name", "pk")}, default="name")

    class Meta:
        model = User
        fields: list[str] = []

    def filter_search(self, queryset, name, value):
        return queryset.filter(
            Q(email__icontains=value)
            | Q(last_name__icontains=value)
            | Q(first_name__icontains=value)
        )

    def filter_state(self, queryset, name, value):
        return selectors.users_in_state(queryset, value)
