"""The client's address behind the TLS proxy (security finding #12)."""

import pytest
from django.test import RequestFactory

from openflex.core.clients import client_ip


def _request(remote="10.0.0.2", forwarded=None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


def test_without_trusted_proxy_the_header_is_ignored(settings):
    settings.OPENFLEX_TRUSTED_PROXIES = 0
    assert client_ip(_request(forwarded="203.0.113.9")) == "10.0.0.2"


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        (1, "203.0.113.9", "203.0.113.9"),
        # What the client wrote is left of what the proxy appended: never trusted.
        (1, "1.2.3.4, 203.0.113.9", "203.0.113.9"),
        (2, "1.2.3.4, 203.0.113.9, 10.0.0.1", "203.0.113.9"),
        (1, "2001:db8::7", "2001:db8::7"),
        # A request that did not go through the proxies, or garbage: REMOTE_ADDR.
        (2, "203.0.113.9", "10.0.0.2"),
        (1, None, "10.0.0.2"),
        (1, "not-an-address", "10.0.0.2"),
    ],
)
def test_behind_proxies_the_address_the_outermost_proxy_saw(settings, proxies, forwarded, expected):
    settings.OPENFLEX_TRUSTED_PROXIES = proxies
    assert client_ip(_request(forwarded=forwarded)) == expected
