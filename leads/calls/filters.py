"""The "Appels manqués" and "Appels connectés" tables (L-3): point of sale, tracking
number, dates, the caller's number; sorted by start (index call_pos / call_answered)."""

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from leads.calls.models import Call
from leads.calls.selectors import tracking_number_queryset_for_user
from openflex.accounts.selectors import points_of_sale_for_user
from openflex.core.lists import ListFilterSet, SearchFilter, SortFilter


class CallFilter(ListFilterSet):
    q = SearchFilter(method="filter_caller", placeholder=_("Numéro de l'appelant"))
    point_of_sale = django_filters.ModelChoiceFilter(
        label=_("Point de vente"), queryset=None, distinct=False
    )
    tracking_number = django_filters.ModelChoiceFilter(
        label=_("Numéro traceur"), queryset=None, distinct=False
    )
    started_after = django_filters.DateFilter(
        label=_("Depuis le"),
        field_name="started_at",
        lookup_expr="date__gte",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    started_before = django_filters.DateFilter(
        label=_("Jusqu'au"),
        field_name="started_at",
        lookup_expr="date__lte",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    sort = SortFilter(
        sorts={"started": ("started_at", "id")},
        labels={"started": _("Date de l'appel")},
        default="-started",
    )

    class Meta:
        model = Call
        fields: list[str] = []

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["point_of_sale"].queryset = points_of_sale_for_user(user).order_by("name")
        self.filters["tracking_number"].queryset = tracking_number_queryset_for_user(user).order_by(
            "label", "pk"
        )

    def filter_caller(self, queryset, name, value):
        """The caller's digits, typed in any format: "06 12…" finds "+33612…"."""
        digits = "".join(c for c in value if c.isdigit())
        if not digits:
            return queryset
        if digits.startswith("0"):
            digits = digits[1:]
        return queryset.filter(caller__contains=digits)
