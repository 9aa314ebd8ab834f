"""Paramètres › SMS envoyés (S-7): what the outbox backend recorded, like the emails."""

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from openflex.accounts.permissions import admin_required
from openflex.core import lists
from signatures.sms.filters import SmsMessageFilter
from signatures.sms.models import SmsMessage
from signatures.sms.selectors import sms_message_list


@admin_required
@require_GET
def sms_list(request: HttpRequest) -> HttpResponse:
    filterset = SmsMessageFilter(request.GET, queryset=sms_message_list())
    return lists.render_list(
        request, "signatures/sms_list.html", filterset, context={"show_secret": settings.DEBUG}
    )


@admin_required
@require_GET
def sms_detail(request: HttpRequest, pk: int) -> HttpResponse:
    message = get_object_or_404(SmsMessage, pk=pk)
    # A signing code lets its reader sign in the customer's name: shown in development only.
    show_body = settings.DEBUG or not message.confidential
    return render(request, "signatures/sms_detail.html", {"sms": message, "show_body": show_body})
