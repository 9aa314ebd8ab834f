"""The filters of the S-8 resend list (django-filter, the list recipe). Every filter and
sort offered here is served by an index: the orders' ``order_status_created`` /
``order_pos_status``, the payments' ``payment_order``, the requests' ``sigreq_order``,
the customers' trigram search."""

import django_filters
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _

from openflex.accounts.selectors import points_of_sale_for_user
from openflex.core.lists import ListFilterSet, SearchFilter, SortFilter, search_terms
from opportunities.sales.models import Order
from payments.models import Payment
from signatures.flows.selectors import VIEW_EPAY, VIEW_ESIGN


class ResendFilter(ListFilterSet):
    vue = django_filters.ChoiceFilter(
        label=_("Vue"),
        choices=[
            (VIEW_ESIGN, _("En attente de e-signature")),
            (VIEW_EPAY, _("En attente de e-paiement")),
        ],
        method="filter_view",
        empty_label=_("Toutes les relances"),
    )
    q = SearchFilter(method="filter_search", placeholder=_("Client : nom, email, téléphone"))
    point_of_sale = django_filters.ModelChoiceFilter(
        label=_("Point de vente"), queryset=None, distinct=False
    )
    sort = SortFilter(
        sorts={"created": ("created_at", "id")},
        labels={"created": _("Date de la commande")},
        default="-created",
    )

    class Meta:
        model = Order
        fields: list[str] = []

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["point_of_sale"].queryset = points_of_sale_for_user(user).order_by("name")

    def filter_view(self, queryset, name, value):
        if value == VIEW_ESIGN:
            return queryset.filter(status=Order.Status.PENDING_SIGNATURE)
        if value == VIEW_EPAY:
            return queryset.filter(
                Exists(
                    Payment.objects.filter(
                        order=OuterRef("pk"),
                        kind=Payment.Kind.DEPOSIT,
                        status__in=Payment.PENDING,
                    )
                )
            )
        return queryset

    def filter_search(self, queryset, name, value):
        for term in search_terms(value):
            queryset = queryset.filter(opportunity__customer__search_text__contains=term)
        return queryset
