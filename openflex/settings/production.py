"""Production settings: HTTPS only, secure cookies, HSTS. ``check --deploy`` is clean."""

from django.core.exceptions import ImproperlyConfigured

from openflex.env import env, env_bool

from .base import *  # noqa: F403

DEBUG = False
# base.py falls back to a development key when DJANGO_DEBUG is on; production never does,
# even if DJANGO_DEBUG=1 leaked into its environment.
if not env("DJANGO_SECRET_KEY", ""):
    raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set in production (see README).")
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # load balancers and compose probe over HTTP
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = env("DJANGO_SECURE_HSTS_SECONDS", 60 * 60 * 24 * 365, int)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
