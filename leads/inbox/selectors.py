"""Reads of lead tasks, scoped to the user's points of sale (L-1, L-2)."""

from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from leads.inbox.models import (
    LeadAssignment,
    LeadSettings,
    LeadStatus,
    LeadTag,
    LeadTask,
    LeadTaskEvent,
)
from openflex.accounts import rules
from openflex.accounts.models import User
from openflex.accounts.selectors import points_of_sale_for_user, user_is_platform_admin


def lead_task_queryset_for_user(user) -> QuerySet[LeadTask]:
    """The tasks of the user's points of sale (a platform administrator: all); the sale
    side only (deny by default). One loaded task: ``rules.may_open_lead_task``."""
    if not rules.works_on_leads(user):
        return LeadTask.objects.none()
    qs = LeadTask.objects.all()
    if not user_is_platform_admin(user):
        qs = qs.filter(point_of_sale__in=points_of_sale_for_user(user).values("pk"))
    return qs


def lead_task_get_for_user(*, user, pk: int, lock: bool = False) -> LeadTask:
    qs = lead_task_queryset_for_user(user).select_related(
        "status", "source__category", "point_of_sale", "assigned_to", "vehicle", "opportunity"
    )
    if lock:
        qs = qs.select_for_update(of=("self",))
    task = qs.filter(pk=pk).first()
    if task is None:
        raise Http404
    return task


def lead_task_list(*, user) -> QuerySet[LeadTask]:
    """The list's rows: every relation it shows loaded (a constant number of queries)."""
    return (
        lead_task_queryset_for_user(user)
        .select_related("status", "source", "point_of_sale", "assigned_to")
        .prefetch_related(Prefetch("tags", queryset=LeadTag.objects.order_by("position", "pk")))
    )


def lead_task_events(*, task: LeadTask) -> QuerySet[LeadTaskEvent]:
    return task.events.select_related("by").order_by("-at", "-pk")


def lead_tasks_neglected(*, user, now=None) -> QuerySet[LeadTask]:
    """Open tasks past their lifetime, not handled (the "en souffrance" filter and tile)."""
    return lead_task_queryset_for_user(user).filter(
        neglected_condition(now),
    )


def neglected_condition(now=None) -> Q:
    return Q(state=LeadTask.State.OPEN, neglect_due_at__lte=now or timezone.now())


def lead_statuses_active() -> QuerySet[LeadStatus]:
    return LeadStatus.objects.filter(is_active=True).order_by("position", "pk")


def lead_tags_all() -> QuerySet[LeadTag]:
    return LeadTag.objects.order_by("position", "name", "pk")


def lead_users_of(point_of_sale_ids) -> QuerySet[User]:
    """Active users of these points of sale who work on leads (the sale side's types):
    the choices of the assignments and of "Attribuer à"."""
    return (
        User.objects.filter(
            is_active=True,
            points_of_sale__in=point_of_sale_ids,
            groups__usergroup__type__in=rules.SALE_SIDE_TYPES,
        )
        .distinct()
        .order_by("last_name", "first_name", "pk")
    )


def lead_settings_of(point_of_sale) -> LeadSettings:
    return LeadSettings.objects.filter(point_of_sale=point_of_sale).first() or LeadSettings(
        point_of_sale=point_of_sale
    )


def lead_assignments_of(point_of_sale) -> QuerySet[LeadAssignment]:
    return LeadAssignment.objects.filter(point_of_sale=point_of_sale).select_related(
        "user", "lead_type"
    )
