"""The period and scope of the lead statistics (L-5, L-6): a date range and the points of
sale the user works at (one of them, or all of them)."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from openflex.accounts.selectors import points_of_sale_for_user

DEFAULT_DAYS = 30
MAX_DAYS = 366


@dataclass(frozen=True)
class Period:
    """``[start, end)`` in aware datetimes covering the local days ``first`` … ``last``."""

    first: date
    last: date

    @property
    def start(self) -> datetime:
        return timezone.make_aware(datetime.combine(self.first, time.min))

    @property
    def end(self) -> datetime:
        return timezone.make_aware(datetime.combine(self.last + timedelta(days=1), time.min))

    @property
    def days(self) -> list[date]:
        return [self.first + timedelta(days=i) for i in range((self.last - self.first).days + 1)]


def default_period() -> Period:
    today = timezone.localdate()
    return Period(today - timedelta(days=DEFAULT_DAYS - 1), today)


class PeriodForm(forms.Form):
    """Du … au … and the point of sale; bad input → errors next to the fields and the
    default period applies (``period``/``point_of_sale_ids`` never fail)."""

    date_from = forms.DateField(
        label=_("Du"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    date_to = forms.DateField(
        label=_("Au"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    point_of_sale = forms.ModelChoiceField(
        label=_("Point de vente"),
        queryset=None,
        required=False,
        empty_label=_("Tous mes points de vente"),
    )

    def __init__(self, data=None, *, user, **kwargs):
        self.user = user
        default = default_period()
        initial = {"date_from": default.first, "date_to": default.last}
        if data is not None:
            data = data.copy()
            for name, value in initial.items():
                if not data.get(name):
                    data[name] = value.isoformat()
        super().__init__(data, initial=initial, **kwargs)
        self.pos_queryset = points_of_sale_for_user(user).order_by("name")
        self.fields["point_of_sale"].queryset = self.pos_queryset

    def clean(self):
        cleaned = super().clean()
        first, last = cleaned.get("date_from"), cleaned.get("date_to")
        if first and last:
            if first > last:
                self.add_error("date_to", _("La date de fin précède la date de début."))
            elif (last - first).days + 1 > MAX_DAYS:
                self.add_error(
                    "date_to",
                    _("La période ne peut pas dépasser %(n)s jours.") % {"n": MAX_DAYS},
                )
        return cleaned

    @property
    def period(self) -> Period:
        if self.is_valid():
            return Period(self.cleaned_data["date_from"], self.cleaned_data["date_to"])
        return default_period()

    @property
    def point_of_sale_ids(self) -> list[int]:
        """The scope: the chosen point of sale, else every one of the user's."""
        chosen = self.cleaned_data.get("point_of_sale") if self.is_valid() else None
        if chosen is not None:
            return [chosen.pk]
        return list(self.pos_queryset.values_list("pk", flat=True))
