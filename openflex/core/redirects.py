"""Where to go back after a POST: one safe ``next``/``back`` rule for every view (issue 11)."""

from django.http import HttpRequest
from django.utils.http import url_has_allowed_host_and_scheme


def safe_next(request: HttpRequest, url: str | None, default: str) -> str:
    """``url`` when it is a path of this site, otherwise ``default``.

    Refused: other hosts and schemes (``https://evil.test``, ``//evil.test``,
    ``/\\evil.test``, ``javascript:…``), and anything not starting with ``/``.
    """
    url = url or ""
    if url.startswith("/") and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return default
