"""The filters of the notification list and of Paramètres › Emails envoyés."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from openflex.core.lists import ListFilterSet, SearchFilter, SortFilter

from .models import Notification, OutboundEmail


class NotificationFilter(ListFilterSet):
    unread = django_filters.ChoiceFilter(
        label=_("Non lues"), choices=[("1", _("Non lues"))], method="filter_unread"
    )
    sort = SortFilter(sorts={"created": ("created_at", "pk")}, default="-created")

    class Meta:
        model = Notification
        fields: list[str] = []

    def filter_unread(self, queryset, name, value):
        return queryset.filter(read_at__isnull=True)

    @property
    def unread_only(self) -> bool:
        return self.is_valid() and self.form.cleaned_data.get("unread") == "1"


class OutboundEmailFilter(ListFilterSet):
    q = SearchFilter(method="filter_search", placeholder=_("Destinataire ou objet"))
    status = django_filters.ChoiceFilter(
        label=_("Statut"), choices=OutboundEmail.Status.choices, empty_label=_("Tous")
    )
    sort = SortFilter(sorts={"created": ("created_at", "pk")}, default="-created")

    class Meta:
        model = OutboundEmail
        fields: list[str] = []

    def filter_search(self, queryset, name, value):
        return queryset.filter(Q(to__icontains=value) | Q(subject__icontains=value))
