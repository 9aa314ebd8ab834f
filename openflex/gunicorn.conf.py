"""Gunicorn settings shared by ``make run`` and docker-compose (same command line)."""

import os

from django.conf import settings

DEFAULT_BIND = "127.0.0.1:8000"
bind = os.environ.get("OPENFLEX_BIND", DEFAULT_BIND)
workers = int(os.environ.get("OPENFLEX_WEB_WORKERS", "2"))
threads = int(os.environ.get("OPENFLEX_WEB_THREADS", "4"))
graceful_timeout = 10
timeout = 60

# Logs: the master's and the workers' lines in Django's format (settings.LOGGING), in
# TIME_ZONE with the UTC offset. Reading a setting loads Django's settings, which sets
# this process's TZ to TIME_ZONE: without it the master logged in UTC and its workers
# (which load Django) in Europe/Paris. The access line has no time of its own: the
# formatter's leads it.
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "openflex.settings.base")
_formatter = settings.LOGGING["formatters"]["plain"]
accesslog = "-"
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms "%(f)s" "%(a)s"'
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": _formatter},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"level": "INFO", "handlers": ["console"]},
    "loggers": {
        "gunicorn.error": {"level": "INFO", "handlers": ["console"], "propagate": False},
        "gunicorn.access": {"level": "INFO", "handlers": ["console"], "propagate": False},
    },
}


def site_url(bind: str = bind) -> str:
    """Where a browser on this machine reaches ``bind`` (the address ``make run`` prints)."""
    if bind.startswith(("unix:", "fd://")):
        return bind
    host, port = bind, "8000"  # gunicorn's port when the bind names none
    if bind.startswith("["):  # IPv6: "[::1]:8000" or "[::1]"
        host, _, rest = bind.partition("]")
        host += "]"
        port = rest.removeprefix(":") or port
    elif ":" in bind:
        host, port = bind.rsplit(":", 1)
    # Every interface: this machine is one of them.
    host = {"": "127.0.0.1", "0.0.0.0": "127.0.0.1", "[::]": "[::1]"}.get(host, host)  # noqa: S104
    return f"http://{host}:{port}"
