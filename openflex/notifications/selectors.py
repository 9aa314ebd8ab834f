from django.db.models import QuerySet

from .models import Notification, OutboundEmail


def notifications_for_user(*, user) -> QuerySet[Notification]:
    return Notification.objects.filter(recipient=user)


def unread_count(*, user) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def outbound_email_list(*, search: str = "", status: str = "") -> QuerySet[OutboundEmail]:
    qs = OutboundEmail.objects.defer("body_text", "body_html").order_by("-created_at", "-pk")
    if search:
        qs = qs.filter(to__icontains=search) | qs.filter(subject__icontains=search)
    if status:
        qs = qs.filter(status=status)
    return qs
