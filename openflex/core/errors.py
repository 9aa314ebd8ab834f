"""The error pages (403, 404, 500): French, in the site's layout, with a way back.

- ``permission_denied`` / ``page_not_found`` / ``server_error`` are the project's
  ``handler403`` / ``handler404`` / ``handler500`` (openflex/urls.py).
- ``FriendlyNotFoundMiddleware``: under ``make run`` (DEBUG) Django answers a 404 with its
  technical page (the URL patterns tried) whatever ``handler404`` says. Staff trying the
  demo should see the page they will see in production, so the middleware shows the
  friendly page in DEBUG too; ``DJANGO_TECHNICAL_404=1`` brings the technical page back for
  a developer who wants it.
- ``NoTracebackForbidden``: a refused access is an expected answer, not a crash. Django
  logs "Forbidden (Permission denied)" with the exception's traceback; the filter keeps
  the warning line and drops the traceback.
"""

import logging

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.template import loader
from django.urls import reverse
from django.views.decorators.csrf import requires_csrf_token

from openflex.core.redirects import safe_next


def _back_url(request: HttpRequest) -> str:
    """The page the user came from, when it is a page of this site (else none)."""
    referer = request.META.get("HTTP_REFERER", "")
    host = request.get_host() if referer else ""
    for prefix in (f"https://{host}", f"http://{host}"):
        if host and referer.startswith(prefix + "/"):
            path = referer[len(prefix) :]
            if path != request.get_full_path():
                return safe_next(request, path, "")
    return ""


def _render(request: HttpRequest, template: str, status: int, **context) -> HttpResponse:
    context = {"back_url": _back_url(request), "home_url": reverse("home:index"), **context}
    body = loader.render_to_string(template, context, request)
    response = HttpResponse(body, status=status)
    response.openflex_error_page = True
    return response


def _message(exception) -> str:
    """The reason a view gave (``PermissionDenied(_("…"))``), never a technical one."""
    args = getattr(exception, "args", ())
    message = args[0] if args else ""
    return message if isinstance(message, str) and not message.startswith("/") else ""


@requires_csrf_token
def permission_denied(request: HttpRequest, exception=None) -> HttpResponse:
    return _render(request, "403.html", 403, reason=_message(exception))


@requires_csrf_token
def page_not_found(request: HttpRequest, exception=None) -> HttpResponse:
    return _render(request, "404.html", 404)


@requires_csrf_token
def server_error(request: HttpRequest) -> HttpResponse:
    # No context processors, no database: the page must render whatever broke.
    body = loader.get_template("500.html").render({"home_url": "/"})
    return HttpResponse(body, status=500)


class FriendlyNotFoundMiddleware:
    """The friendly 404 under DEBUG too (see the module's docstring)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def _active(self) -> bool:
        return settings.DEBUG and not getattr(settings, "OPENFLEX_TECHNICAL_404", False)

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            self._active()
            and response.status_code == 404
            and getattr(request, "resolver_match", None) is None  # no URL pattern matched
            and not getattr(response, "openflex_error_page", False)
        ):
            return page_not_found(request)
        return response

    def process_exception(self, request: HttpRequest, exception) -> HttpResponse | None:
        if self._active() and isinstance(exception, Http404):
            return page_not_found(request, exception)
        return None


class NoTracebackForbidden(logging.Filter):
    """Keep "Forbidden (Permission denied): /…" (a warning), drop its traceback."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "status_code", None) == 403:
            record.exc_info = None
            record.exc_text = None
        return True
