"""Reads of the tracking numbers and calls (L-3), scoped to the user's points of sale."""

from django.db.models import Count, Q, QuerySet
from django.http import Http404

from leads.calls.models import Call, TrackingNumber
from openflex.accounts import rules
from openflex.accounts.selectors import points_of_sale_for_user, user_is_platform_admin


def call_queryset_for_user(user) -> QuerySet[Call]:
    """The calls of the user's points of sale, for those who work on leads."""
    if not rules.works_on_leads(user):
        return Call.objects.none()
    qs = Call.objects.all()
    if not user_is_platform_admin(user):
        qs = qs.filter(point_of_sale__in=points_of_sale_for_user(user).values("pk"))
    return qs


def call_list(*, user, answered: bool) -> QuerySet[Call]:
    """ "Appels connectés" (answered) or "Appels manqués", with what the table shows."""
    return (
        call_queryset_for_user(user)
        .filter(answered=answered)
        .select_related("tracking_number", "point_of_sale", "task", "customer")
    )


def tracking_number_queryset_for_user(user) -> QuerySet[TrackingNumber]:
    if not rules.works_on_leads(user):
        return TrackingNumber.objects.none()
    qs = TrackingNumber.objects.all()
    if not user_is_platform_admin(user):
        qs = qs.filter(point_of_sale__in=points_of_sale_for_user(user).values("pk"))
    return qs


def tracking_number_get_for_user(*, user, pk: int, lock: bool = False) -> TrackingNumber:
    qs = tracking_number_queryset_for_user(user).select_related("point_of_sale", "source")
    if lock:
        qs = qs.select_for_update(of=("self",))
    found = qs.filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


def tracking_numbers_with_statistics(*, numbers: QuerySet[TrackingNumber], period):
    """The numbers with ``incoming``, ``answered``, ``missed`` over the period (one
    query; the percentages: ``call_shares``)."""
    in_period = Q(calls__started_at__gte=period.start, calls__started_at__lt=period.end)
    return (
        numbers.select_related("point_of_sale")
        .annotate(
            incoming=Count("calls", filter=in_period),
            answered_count=Count("calls", filter=in_period & Q(calls__answered=True)),
        )
        .order_by("point_of_sale__name", "label", "pk")
    )


def call_shares(incoming: int, answered: int) -> tuple[int | None, int | None]:
    """(answered %, missed %), whole numbers summing to 100, or (None, None)."""
    if not incoming:
        return None, None
    answered_pct = round(100 * answered / incoming)
    return answered_pct, 100 - answered_pct


def number_calls(*, tracking: TrackingNumber, period) -> QuerySet[Call]:
    """The number's call history over the period (index call_number)."""
    return (
        tracking.calls.filter(started_at__gte=period.start, started_at__lt=period.end)
        .select_related("task", "customer")
        .order_by("-started_at", "-pk")
    )


def tracking_numbers_admin() -> QuerySet[TrackingNumber]:
    """Every number for the administrators' screen, with its point of sale and source."""
    return TrackingNumber.objects.select_related("point_of_sale", "source").prefetch_related("tags")
