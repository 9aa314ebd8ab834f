"""Who is asking: the client's address, also behind the TLS proxy (login lockout, throttles).

Behind a proxy ``REMOTE_ADDR`` is the proxy's own address: keyed on it, one person's
failures would lock everybody out. Each proxy appends the address it received the request
from to ``X-Forwarded-For``; only the entries the ``OPENFLEX_TRUSTED_PROXIES`` proxies in
front of the application appended can be trusted (whatever is left of them, the client
wrote). The client's address is therefore the N-th entry from the right.
"""

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def _address(value: str) -> str | None:
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return None


def client_ip(request: HttpRequest) -> str | None:
    """The client's address: ``REMOTE_ADDR`` without trusted proxy, else the address the
    outermost trusted proxy saw. A request that did not go through every proxy (too few
    entries) or a malformed entry falls back to ``REMOTE_ADDR``."""
    remote = _address(request.META.get("REMOTE_ADDR", "") or "")
    proxies = settings.OPENFLEX_TRUSTED_PROXIES
    if proxies <= 0:
        return remote
    forwarded = [
        entry.strip()
        for entry in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        if entry.strip()
    ]
    if len(forwarded) < proxies:
        return remote
    return _address(forwarded[-proxies]) or remote
