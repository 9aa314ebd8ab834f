from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from . import selectors, services
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
    qs = selectors.notifications_for_user(user=request.user)
    if request.GET.get("unread") == "1":
        qs = qs.filter(read_at__isnull=True)
    page = Paginator(qs, 30).get_page(request.GET.get("page"))
    return render(
        request,
        "notifications/list.html",
        {"page": page, "unread_only": request.GET.get("unread") == "1"},
    )


@login_required
@require_POST
def notification_open(request: HttpRequest, pk: int) -> HttpResponse:
    notification = get_object_or_404(Notification, pk=pk, recipient=request.user)
    services.notification_mark_read(user=request.user, notification_id=notification.pk)
    target = notification.url
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect("notifications:list")


@login_required
@require_POST
def notification_mark_all_read(request: HttpRequest) -> HttpResponse:
    services.notifications_mark_all_read(user=request.user)
    return redirect("notifications:list")
