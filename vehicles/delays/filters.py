"""The late-vehicles list's filters (V-9): the stock list's machinery, fewer filters."""

from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from openflex.core.lists import SortFilter

from .. import lifeline
from .. import selectors as vehicle_selectors
from ..stock.filters import VehicleFilter
from . import selectors

LATE_SORTS = {
    "late": ("late_since", "number"),
    "-late": ("-late_since", "-number"),
    "status_since": ("status_changed_at", "number"),
    "-status_since": ("-status_changed_at", "-number"),
    "number": ("number",),
    "-number": ("-number",),
}


class LateVehicleFilter(VehicleFilter):
    """The late-vehicles list (V-9): the stock list's filter machinery, fewer filters.

    ``late`` sorts by the date the vehicle became late: the most overdue first.
    """

    KEEP = ("q", "parc", "destination", "status", "point_of_sale", "physical_site", "sort")
    SECTIONS = [(_("Filtres"), ["parc", "destination", "status", "point_of_sale", "physical_site"])]

    sort = SortFilter(label=_("Tri"), sorts=LATE_SORTS, default="late")

    def __init__(self, data=None, *args, **kwargs):
        super().__init__(data, *args, **kwargs)
        for name in list(self.filters):
            if name not in self.KEEP:
                del self.filters[name]


def late_filter(user, params: QueryDict) -> tuple[LateVehicleFilter, list, dict[str, str]]:
    """The late list of ``user`` filtered by ``params``, with the rules and status labels."""
    rules = selectors.delay_rules()
    labels = vehicle_selectors.status_labels()
    before_delivery = set(lifeline.before_delivery_status_codes())
    choices = [
        (code, label)
        for code, label, active in vehicle_selectors.lifeline_statuses()
        if active and code in before_delivery
    ]
    queryset = selectors.late_vehicles(
        vehicle_selectors.vehicle_queryset_for_user(user), rules=rules
    )
    filterset = LateVehicleFilter(params, queryset=queryset, user=user, status_choices=choices)
    return filterset, rules, labels
