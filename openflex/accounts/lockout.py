"""Login lockout (django-axes): the pair (account, client address) and the address alone.

Axes locks the pair after ``AXES_FAILURE_LIMIT`` failures (``AXES_LOCKOUT_PARAMETERS``):
someone guessing one account from one address. One address trying many accounts (password
spraying) never reaches that limit on any pair, so the address is also locked after
``AXES_ADDRESS_FAILURE_LIMIT`` failures across all accounts within ``AXES_COOLOFF_TIME``
— a higher limit, since the staff of a dealership may share one public address. Axes has
one failure limit for all its lockout parameters, hence this handler rather than a second
parameter. Both read the client's address through ``openflex.core.clients.client_ip``.
"""

import logging

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username
from axes.models import AccessAttempt
from axes.signals import user_locked_out
from django.conf import settings
from django.db.models import Sum

logger = logging.getLogger(__name__)


def address_failures(request) -> int:
    """Failed logins from the request's client address within the cool-off, all accounts."""
    address = getattr(request, "axes_ip_address", None)
    if not address:
        return 0
    total = AccessAttempt.objects.filter(
        ip_address=address, attempt_time__gte=get_cool_off_threshold(request)
    ).aggregate(total=Sum("failures_since_start"))["total"]
    return total or 0


def _address_locked(request) -> bool:
    return address_failures(request) >= settings.AXES_ADDRESS_FAILURE_LIMIT


class AddressThrottlingHandler(AxesDatabaseHandler):
    def is_locked(self, request, credentials: dict | None = None) -> bool:
        """Before authenticating: the pair, then the address."""
        return super().is_locked(request, credentials) or _address_locked(request)

    def user_login_failed(self, sender, credentials: dict, request=None, **kwargs):
        """After recording a failure: the failure that reaches the address limit already
        answers with the lockout page, as axes does for the pair."""
        super().user_login_failed(sender, credentials, request, **kwargs)
        if request is None or getattr(request, "axes_locked_out", False):
            return
        if _address_locked(request):
            logger.warning("AXES: locking out an address after failures on many accounts.")
            request.axes_locked_out = True
            request.axes_credentials = credentials
            user_locked_out.send(
                "axes",
                request=request,
                username=get_client_username(request, credentials),
                ip_address=request.axes_ip_address,
            )
