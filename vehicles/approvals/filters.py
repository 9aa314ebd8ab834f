"""The filters of the managers' lists: price updates to validate (V-8) and ownership
transfers (V-14). The recipe of openflex.core.lists: filters and one sort."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from openflex.accounts.selectors import points_of_sale_for_user
from openflex.core.forms import PlainModelChoiceIterator
from openflex.core.lists import ListFilterSet, SortFilter

from ..models import OwnershipTransfer, PriceChange


class _PointOfSaleFilterSet(ListFilterSet):
    """``point_of_sale``: one of the user's points of sale, its select read in one plain
    query (not Django's server-side cursor)."""

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["point_of_sale"].queryset = points_of_sale_for_user(user).order_by("name")

    @property
    def form(self):
        form = super().form
        field = form.fields["point_of_sale"]
        if field.iterator is not PlainModelChoiceIterator:
            field.iterator = PlainModelChoiceIterator
            field.widget.choices = field.choices  # the widget holds its own iterator
        return form


class PriceChangeFilter(_PointOfSaleFilterSet):
    point_of_sale = django_filters.ModelChoiceFilter(
        label=_("Point de vente"),
        field_name="vehicle__point_of_sale",
        queryset=None,
        distinct=False,
        empty_label=_("Tous"),
    )
    # The oldest request first: the one waiting the longest (index price_change_to_validate).
    sort = SortFilter(
        sorts={"created": ("created_at", "pk"), "vehicle": ("vehicle_id", "pk")},
        labels={"created": _("Date"), "vehicle": _("Véhicule")},
        default="created",
    )

    class Meta:
        model = PriceChange
        fields: list[str] = []


class TransferFilter(_PointOfSaleFilterSet):
    # ``statut``: the parameter of the home tile's link and of the decisions' redirect.
    statut = django_filters.ChoiceFilter(
        label=_("Statut"),
        field_name="status",
        choices=OwnershipTransfer.Status.choices,
        empty_label=_("Tous"),
    )
    point_of_sale = django_filters.ModelChoiceFilter(
        label=_("Point de vente (origine ou destination)"),
        queryset=None,
        method="filter_point_of_sale",
        empty_label=_("Tous"),
    )
    sort = SortFilter(
        sorts={"requested": ("requested_at", "pk"), "vehicle": ("vehicle_id", "pk")},
        labels={"requested": _("Demandé le"), "vehicle": _("Véhicule")},
        default="-requested",
    )

    class Meta:
        model = OwnershipTransfer
        fields: list[str] = []

    def filter_point_of_sale(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(Q(from_point_of_sale=value) | Q(to_point_of_sale=value))
