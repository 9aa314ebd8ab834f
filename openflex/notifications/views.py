from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from openflex.core import lists
from openflex.core.redirects import safe_next

from . import selectors, services
from .filters import NotificationFilter
from .models import Notification


@login_required
@require_GET
def bell(request: HttpRequest) -> HttpResponse:
    """The unread count of the header bell (polled by HTMX)."""
    count = selectors.unread_count(user=request.user)
    return render(request, "notifications/list.html#bell", {"unread_count": count})


@login_required
@require_GET
def notification_list(request: HttpRequest) -> HttpResponse:
    filterset = NotificationFilter(
        request.GET, queryset=selectors.notifications_for_user(user=request.user)
    )
    return lists.render_list(request, "notifications/list.html", filterset, per_page=30)


@login_required
@require_POST
def notification_open(request: HttpRequest, pk: int) -> HttpResponse:
    notification = get_object_or_404(Notification, pk=pk, recipient=request.user)
    services.notification_mark_read(user=request.user, notification_id=notification.pk)
    return redirect(safe_next(request, notification.url, reverse("notifications:list")))


@login_required
@require_POST
def notification_mark_all_read(request: HttpRequest) -> HttpResponse:
    services.notifications_mark_all_read(user=request.user)
    return redirect("notifications:list")
