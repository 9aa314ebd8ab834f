"""The filters of the e-payments list (P-7), django-filter. Every filter and sort offered
here is served by an index of ``Payment`` (status, point of sale, salesperson, created_at
both ways)."""

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from openflex.accounts.selectors import points_of_sale_for_user
from openflex.core.lists import ListFilterSet, SearchFilter, SortFilter, search_terms
from payments.board import selectors
from payments.transactions.models import Payment

STATUS_CHOICES = [
    ("a_rembourser", _("À rembourser")),
    ("en_attente", _("En attente")),
    ("payes", _("Payés")),
    ("rembourses", _("Remboursés")),
    ("annules", _("Annulés")),
    ("refuses", _("Refusés ou en erreur")),
]


class PaymentFilter(ListFilterSet):
    q = SearchFilter(
        method="filter_search",
        placeholder=_("Client, n° d'opportunité, de commande ou de transaction, immat., VIN"),
    )
    statut = django_filters.MultipleChoiceFilter(
        label=_("Statut"),
        choices=STATUS_CHOICES,
        method="filter_status",
        widget=forms.CheckboxSelectMultiple,
        distinct=False,
    )
    type = django_filters.ChoiceFilter(
        label=_("Type"),
        field_name="kind",
        choices=Payment.Kind.choices,
        empty_label=_("Tous les types"),
    )
    suivi = django_filters.BooleanFilter(
        label=_("Seulement ceux que je suis"),
        method="filter_followed",
        # value "true": the form posts what the filter reads (a bare checkbox posts "on").
        widget=forms.CheckboxInput(attrs={"value": "true"}),
    )
    point_of_sale = django_filters.ModelChoiceFilter(
        label=_("Point de vente"), queryset=None, distinct=False, empty_label=_("Tous")
    )
    # A tie-breaker on the id keeps pages stable; both orders are index scans.
    sort = SortFilter(
        sorts={"date": ("created_at", "id")},
        labels={"date": _("Date")},
        default="-date",
    )

    class Meta:
        model = Payment
        fields: list[str] = []

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.filters["point_of_sale"].queryset = points_of_sale_for_user(user).order_by("name")

    def filter_status(self, queryset, name, values):
        statuses = [s for value in values for s in selectors.STATUS_GROUPS.get(value, [])]
        return queryset.filter(status__in=statuses) if statuses else queryset

    def filter_followed(self, queryset, name, value):
        return selectors.payments_followed_by(self.user, queryset) if value else queryset

    def filter_search(self, queryset, name, value):
        for term in search_terms(value):
            queryset = queryset.filter(selectors.search_condition(term))
        return queryset
