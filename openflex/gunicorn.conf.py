"""Gunicorn settings shared by ``make run`` and docker-compose (same command line)."""

import os
import time

bind = os.environ.get("OPENFLEX_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("OPENFLEX_WEB_WORKERS", "2"))
threads = int(os.environ.get("OPENFLEX_WEB_THREADS", "4"))
graceful_timeout = 10
timeout = 60

# Logs: the master's and the workers' lines in Django's format and time zone, with the
# UTC offset. Django sets a process's TZ to TIME_ZONE when it loads its settings, which
# the master never does (it logged in UTC while its workers logged in Europe/Paris): it
# is set here. TIME_ZONE and LOG_FORMATTER are settings.TIME_ZONE and settings.LOGGING's
# "plain" formatter (tests/core/test_make_run.py keeps them identical); the master does not
# import the project for them. The access line has no time of its own: the formatter's
# leads it.
TIME_ZONE = "Europe/Paris"
LOG_FORMATTER = {
    "format": "%(asctime)s %(levelname)s %(name)s %(message)s",
    "datefmt": "%Y-%m-%d %H:%M:%S%z",
}
os.environ["TZ"] = TIME_ZONE
time.tzset()
accesslog = "-"
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms "%(f)s" "%(a)s"'
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": LOG_FORMATTER},
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
