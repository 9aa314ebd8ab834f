"""The stock list's filters (V-4) with django-filter; reused by other lists of vehicles."""

from datetime import timedelta

import django_filters
from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from openflex.accounts.models import PhysicalSite
from openflex.accounts.selectors import points_of_sale_for_user
from openflex.core.forms import PlainModelChoiceIterator
from openflex.core.lists import ListFilterSet, SortFilter

from ..models import (
    Destination,
    Energy,
    Genre,
    LifelineStatus,
    Parc,
    ReservationKind,
    StandardStatus,
)
from .columns import DEFAULT_SORT, SORTS

NO_RESERVATION = "aucune"
RESERVATION_CHOICES = [(NO_RESERVATION, _("Non réservé"))] + [
    (value, label) for value, label in ReservationKind.choices if value
]
MAX_DAYS = 36_500  # a century: beyond, a date cannot be computed
MAX_PRICE = 10**10 - 1  # the prices' max_digits=12, decimal_places=2
PER_PAGE_CHOICES = [(10, "10"), (25, "25"), (50, "50"), (100, "100")]


def _days_ago_start(days: int):
    """The start of the local day ``days`` days ago."""
    day = timezone.localdate() - timedelta(days=days)
    return timezone.make_aware(timezone.datetime.combine(day, timezone.datetime.min.time()))


class VehicleFilter(ListFilterSet):
    q = django_filters.CharFilter(
        label=_("Recherche"),
        method="filter_search",
        widget=forms.TextInput(
            attrs={
                "type": "search",
                "placeholder": _("Marque, modèle, immatriculation, n° interne, VIN"),
            }
        ),
    )
    parc = django_filters.MultipleChoiceFilter(
        distinct=False,
        label=_("Type (parc)"),
        choices=Parc.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    genre = django_filters.MultipleChoiceFilter(
        distinct=False, label=_("Genre"), choices=Genre.choices, widget=forms.CheckboxSelectMultiple
    )
    destination = django_filters.MultipleChoiceFilter(
        distinct=False,
        label=_("Destination"),
        choices=Destination.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    status = django_filters.MultipleChoiceFilter(
        label=_("Statut"), choices=[], distinct=False, widget=forms.CheckboxSelectMultiple
    )
    # Exited vehicles (sortie: delivered, gone) are out of the stock: hidden unless asked
    # for, here or by choosing the "Sortie" status (filter_queryset).
    exited = django_filters.BooleanFilter(
        label=_("Inclure les véhicules sortis"),
        method="filter_exited",
        widget=forms.CheckboxInput,
    )
    point_of_sale = django_filters.ModelMultipleChoiceFilter(
        label=_("Point de vente propriétaire"),
        queryset=None,
        distinct=False,
        widget=forms.CheckboxSelectMultiple,
    )
    physical_site = django_filters.ModelMultipleChoiceFilter(
        label=_("Site de présence physique"),
        queryset=None,
        distinct=False,
        widget=forms.CheckboxSelectMultiple,
    )
    brand = django_filters.CharFilter(label=_("Marque"), field_name="brand", lookup_expr="iexact")
    model = django_filters.CharFilter(label=_("Modèle"), field_name="model", lookup_expr="iexact")
    energy = django_filters.MultipleChoiceFilter(
        distinct=False,
        label=_("Énergie"),
        choices=Energy.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    price_min = django_filters.NumberFilter(
        label=_("Prix min. (€)"),
        field_name="selling_price",
        lookup_expr="gte",
        min_value=0,
        max_value=MAX_PRICE,
    )
    price_max = django_filters.NumberFilter(
        label=_("Prix max. (€)"),
        field_name="selling_price",
        lookup_expr="lte",
        min_value=0,
        max_value=MAX_PRICE,
    )
    days_min = django_filters.NumberFilter(
        label=_("MAJ des prix : au moins (j)"),
        method="filter_days_min",
        min_value=0,
        max_value=MAX_DAYS,
    )
    days_max = django_filters.NumberFilter(
        label=_("MAJ des prix : au plus (j)"),
        method="filter_days_max",
        min_value=0,
        max_value=MAX_DAYS,
    )
    reservation = django_filters.MultipleChoiceFilter(
        distinct=False,
        label=_("Réservation"),
        choices=RESERVATION_CHOICES,
        method="filter_reservation",
        widget=forms.CheckboxSelectMultiple,
    )
    published = django_filters.ChoiceFilter(
        label=_("Publication"),
        choices=[("oui", _("Publié")), ("non", _("Non publié"))],
        method="filter_published",
        empty_label=_("Tous"),
    )
    sort = SortFilter(label=_("Tri"), sorts=SORTS, default=DEFAULT_SORT)

    # Sections of the filter panel; "Gestion" gathers the management filters (V-7, V-11).
    SECTIONS = [
        (_("Véhicule"), ["parc", "genre", "destination", "brand", "model", "energy"]),
        (_("Stock"), ["status", "exited", "point_of_sale", "physical_site"]),
        (
            _("Gestion"),
            ["price_min", "price_max", "days_min", "days_max", "reservation", "published"],
        ),
    ]

    def __init__(self, data=None, *args, user=None, status_choices=None, **kwargs):
        super().__init__(data, *args, **kwargs)
        pos = points_of_sale_for_user(user)
        self.filters["point_of_sale"].queryset = pos
        self.filters["physical_site"].queryset = PhysicalSite.objects.filter(
            point_of_sale__in=pos.values("pk")
        )
        self.filters["status"].extra["choices"] = status_choices or list(
            LifelineStatus.objects.filter(is_active=True).values_list("code", "label")
        )
        for name in ("price_min", "price_max", "days_min", "days_max"):
            self.filters[name].extra["error_messages"] = {
                "min_value": _("La valeur ne peut pas être négative."),
                "max_value": _("La valeur est trop grande."),
                "invalid": _("Saisissez un nombre."),
            }

    @property
    def form(self):
        form = super().form
        if not getattr(form, "_choices_frozen", False):
            # One plain query per select instead of Django's server-side cursor iteration.
            for name in ("point_of_sale", "physical_site"):
                form.fields[name].iterator = PlainModelChoiceIterator
            form._choices_frozen = True
        return form

    def filter_exited(self, queryset, name, value):
        return queryset  # applied by filter_queryset, which also sees "status"

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        data = getattr(self.form, "cleaned_data", {})
        if not data.get("exited") and StandardStatus.EXIT not in (data.get("status") or ()):
            queryset = queryset.exclude(status=StandardStatus.EXIT)
        return queryset

    def filter_search(self, queryset, name, value):
        """Free text on brand, model, registration, internal number and VIN (trigram index)."""
        for term in value.lower().split()[:5]:
            queryset = queryset.filter(search_text__contains=term)
        return queryset

    def filter_days_min(self, queryset, name, value):
        return queryset.filter(price_reset_at__lt=_days_ago_start(int(value) - 1))

    def filter_days_max(self, queryset, name, value):
        return queryset.filter(price_reset_at__gte=_days_ago_start(int(value)))

    def filter_reservation(self, queryset, name, values):
        condition = Q()
        for value in values:
            condition |= Q(reservation_kind="" if value == NO_RESERVATION else value)
        return queryset.filter(condition)

    def filter_published(self, queryset, name, value):
        return queryset.filter(is_published=(value == "oui"))

    @property
    def active_count(self) -> int:
        """How many filters the user set (from the raw query, without a query)."""
        if not self.is_bound:
            return 0
        names = set(self.filters) - {"sort"}
        return sum(1 for name in names if any(v for v in self.data.getlist(name)))
