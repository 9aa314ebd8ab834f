"""The filters of the opportunity and order lists (django-filter). Every filter and sort
offered here is served by an index (models.Meta.indexes)."""

import django_filters
from django import forms
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _

from openflex.accounts import rules
from openflex.accounts.selectors import points_of_sale_for_user
from openflex.core.lists import ListFilterSet, SearchFilter, SortFilter, search_terms
from opportunities.customers import selectors as customers_selectors
from opportunities.sales import selectors as sales_selectors
from opportunities.sales.models import Offer, Opportunity, Order


class OpportunityFilter(ListFilterSet):
    q = SearchFilter(method="filter_search", placeholder=_("Client : nom, email, téléphone"))
    status = django_filters.MultipleChoiceFilter(
        label=_("Statut"),
        choices=Opportunity.Status.choices,
        widget=forms.CheckboxSelectMultiple,
        distinct=False,
    )
    neglected = django_filters.BooleanFilter(
        label=_("En souffrance"),
        method="filter_neglected",
        widget=forms.CheckboxInput,
    )
    salesperson = django_filters.ModelChoiceFilter(
        label=_("Vendeur"), queryset=None, distinct=False
    )
    point_of_sale = django_filters.ModelChoiceFilter(
        label=_("Point de vente"), queryset=None, distinct=False
    )
    created_after = django_filters.DateFilter(
        label=_("Créée depuis le"),
        field_name="created_at",
        lookup_expr="date__gte",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    created_before = django_filters.DateFilter(
        label=_("Créée jusqu'au"),
        field_name="created_at",
        lookup_expr="date__lte",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    # A tie-breaker on the id keeps pages stable; both orders are index scans.
    sort = SortFilter(
        sorts={"created": ("created_at", "id"), "activity": ("last_activity_at", "id")},
        labels={"created": _("Date de création"), "activity": _("Dernière activité")},
        default="-created",
    )

    class Meta:
        model = Opportunity
        fields: list[str] = []

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        pos = points_of_sale_for_user(user).order_by("name")
        self.filters["point_of_sale"].queryset = pos
        self.filters["salesperson"].queryset = sales_selectors.salespeople_for(
            pos.values_list("pk", flat=True)
        )
        if not customers_selectors.user_sees_point_of_sale_opportunities(user):
            self.filters.pop("salesperson")

    def filter_search(self, queryset, name, value):
        for term in search_terms(value):
            queryset = queryset.filter(customer__search_text__contains=term)
        return queryset

    def filter_neglected(self, queryset, name, value):
        if value:
            return queryset.filter(
                status=Opportunity.Status.OPEN, created_at__lt=sales_selectors.neglect_cutoff()
            )
        return queryset

    # Gestion (V-11): opportunities with an offer in progress or validated on a vehicle
    # carrying that reservation (the vehicle's partial index "vehicle_reserved").
    reservation = django_filters.MultipleChoiceFilter(
        label=_("Réservation"),
        choices=[
            ("48h", _("Réservé pour 48h")),
            ("illimitee", _("Réservé pour une durée illimitée")),
            ("client", _("Réservé par un client")),
        ],
        method="filter_reservation",
        widget=forms.CheckboxSelectMultiple,
        distinct=False,
    )

    def filter_reservation(self, queryset, name, values):
        if not values:
            return queryset
        return queryset.filter(
            Exists(
                Offer.objects.filter(
                    opportunity=OuterRef("pk"),
                    status__in=[Offer.Status.OPEN, Offer.Status.VALIDATED],
                    vehicle__reservation_kind__in=values,
                )
            )
        )


# The home tiles open the order list on one of these (O-10).
ORDER_VIEWS = {
    "a_valider": (_("En attente de validation"), {"status__in": [Order.Status.PENDING_VALIDATION]}),
    "a_annuler": (
        _("En attente d'annulation"),
        {"status__in": [Order.Status.PENDING_CANCELLATION]},
    ),
    "a_preparer": (_("À préparer pour livraison"), {"status__in": [Order.Status.ORDERED]}),
    "a_livrer": (_("À déclarer livré"), {"status__in": [Order.Status.TO_DELIVER]}),
    "usine": (
        _("À commander usine"),
        {
            "status__in": [Order.Status.ORDERED, Order.Status.TO_DELIVER],
            "vehicle__parc": "VN",
            "factory_ordered_at__isnull": True,
        },
    ),
}


class OrderFilter(ListFilterSet):
    vue = django_filters.ChoiceFilter(
        label=_("Vue"),
        choices=[(k, v[0]) for k, v in ORDER_VIEWS.items()],
        method="filter_view",
        empty_label=_("Toutes les commandes"),
    )
    q = SearchFilter(method="filter_search", placeholder=_("Client"))
    status = django_filters.MultipleChoiceFilter(
        label=_("Statut"),
        choices=Order.Status.choices,
        widget=forms.CheckboxSelectMultiple,
        distinct=False,
    )
    point_of_sale = django_filters.ModelChoiceFilter(
        label=_("Point de vente"), queryset=None, distinct=False
    )
    sort = SortFilter(sorts={"created": ("created_at", "id")}, default="-created")

    class Meta:
        model = Order
        fields: list[str] = []

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.filters["point_of_sale"].queryset = points_of_sale_for_user(user).order_by("name")

    def filter_view(self, queryset, name, value):
        if value == "usine" and not rules.has_vn_access(self.user):
            return queryset.none()
        return queryset.filter(**ORDER_VIEWS[value][1]) if value in ORDER_VIEWS else queryset

    def filter_search(self, queryset, name, value):
        for term in search_terms(value):
            queryset = queryset.filter(opportunity__customer__search_text__contains=term)
        return queryset
