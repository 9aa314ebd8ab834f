from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from openflex.home.tiles import Tile, register

from .models import Notification

register(
    Tile(
        key="unread-notifications",
        title=_("Notifications non lues"),
        description=_("Alertes et messages qui vous attendent"),
        count=lambda user: Notification.objects.filter(
            recipient=user, read_at__isnull=True
        ).count(),
        url=lambda user: reverse("notifications:list") + "?unread=1",
        order=1000,
    )
)
