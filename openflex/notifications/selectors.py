from django.db.models import QuerySet

from .models import Notification, OutboundEmail


def notifications_for_user(*, user) -> QuerySet[Notification]:
    return Notification.objects.filter(recipient=user)


def unread_count(*, user) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def outbound_email_list() -> QuerySet[OutboundEmail]:
    """The emails sent, without their bodies (filters: notifications.filters)."""
    return OutboundEmail.objects.defer("body_text", "body_html").order_by("-created_at", "-pk")
