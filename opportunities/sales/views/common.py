"""Helpers of the sales pages."""

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.http import url_has_allowed_host_and_scheme

PER_PAGE = 50


def add_errors(form, exc: ValidationError) -> None:
    """Put a service's errors next to the fields they name; the others above the form."""
    if hasattr(exc, "error_dict"):
        for name, errors in exc.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc)


def safe_next(request: HttpRequest, url: str, default: str) -> str:
    """A ``next``/``back`` target of this site only (no //evil.test, /\\evil.test, https://…)."""
    if url.startswith("/") and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return default


def _messages_of(exc: ValidationError) -> list[str]:
    return [str(m) for m in exc.messages]
