"""The filters of the task list (django-filter); each filter and sort has its index
(``LeadTask.Meta.indexes``)."""

import django_filters
from django import forms
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _

from leads.inbox import selectors
from leads.inbox.models import LeadStatus, LeadTag, LeadTask
from leads.intake.models import LeadSource
from openflex.accounts.selectors import points_of_sale_for_user
from openflex.core.lists import ListFilterSet, SearchFilter, SortFilter, search_terms

DATE = forms.DateInput(attrs={"type": "date"})


class LeadTaskFilter(ListFilterSet):
    q = SearchFilter(method="filter_search", placeholder=_("Contact : nom, email, téléphone"))
    state = django_filters.MultipleChoiceFilter(
        label=_("État"),
        choices=LeadTask.State.choices,
        widget=forms.CheckboxSelectMultiple,
        distinct=False,
    )
    status = django_filters.ModelMultipleChoiceFilter(
        label=_("Statut"),
        queryset=LeadStatus.objects.order_by("position", "pk"),
        widget=forms.CheckboxSelectMultiple,
        distinct=False,
    )
    tags = django_filters.ModelMultipleChoiceFilter(
        label=_("Étiquettes"),
        queryset=LeadTag.objects.order_by("position", "pk"),
        method="filter_tags",
        widget=forms.CheckboxSelectMultiple,
    )
    neglected = django_filters.BooleanFilter(
        label=_("En souffrance"), method="filter_neglected", widget=forms.CheckboxInput
    )
    source = django_filters.ModelChoiceFilter(
        label=_("Source"),
        queryset=LeadSource.objects.order_by("name"),
        distinct=False,
    )
    assigned = django_filters.ChoiceFilter(
        label=_("Prise par"),
        method="filter_assigned",
        choices=[("moi", _("Moi")), ("personne", _("Personne"))],
    )
    point_of_sale = django_filters.ModelChoiceFilter(
        label=_("Point de vente"), queryset=None, distinct=False
    )
    received_after = django_filters.DateFilter(
        label=_("Reçue depuis le"), field_name="received_at", lookup_expr="date__gte", widget=DATE
    )
    received_before = django_filters.DateFilter(
        label=_("Reçue jusqu'au"), field_name="received_at", lookup_expr="date__lte", widget=DATE
    )
    sort = SortFilter(
        sorts={"received": ("received_at", "id"), "action": ("last_action_at", "id")},
        labels={"received": _("Date de réception"), "action": _("Dernière action")},
        default="-received",
    )

    class Meta:
        model = LeadTask
        fields: list[str] = []

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.filters["point_of_sale"].queryset = points_of_sale_for_user(user).order_by("name")

    def filter_search(self, queryset, name, value):
        for term in search_terms(value):
            digits = "".join(c for c in term if c.isdigit())
            if digits and len(digits) == len(term.replace("+", "").replace(".", "")):
                term = digits
            queryset = queryset.filter(search_text__contains=term)
        return queryset

    def filter_tags(self, queryset, name, values):
        # Every chosen tag (AND), each an EXISTS on the through table: no join, no DISTINCT.
        through = LeadTask.tags.through
        for tag in values or ():
            queryset = queryset.filter(
                Exists(through.objects.filter(leadtask_id=OuterRef("pk"), leadtag_id=tag.pk))
            )
        return queryset

    def filter_neglected(self, queryset, name, value):
        return queryset.filter(selectors.neglected_condition()) if value else queryset

    def filter_assigned(self, queryset, name, value):
        if value == "moi":
            return queryset.filter(assigned_to=self.user)
        if value == "personne":
            return queryset.filter(assigned_to__isnull=True)
        return queryset
