"""Settings of ``manage.py chaos`` (``make chaos``): production-like (DEBUG off, SMTP, Redis,
PostgreSQL, health-checked persistent connections) on the harness's own services.

The database is ``openflex_chaos`` (``CHAOS_DATABASE_URL``), dropped and created by the
harness; Redis and the SMTP sink are started by the harness on free local ports, chosen
here once and handed to the processes it starts through the environment. The outbox's
lease, the task time limits and the broker's visibility timeout are shortened together
so that what a killed worker left behind comes back within a minute, not a quarter of an
hour; beat runs the sweep and the scans every few seconds.
"""

import os
import socket
from datetime import timedelta
from pathlib import Path


def _free_port(preferred: int) -> int:
    for port in [preferred, *range(preferred + 1, preferred + 50), 0]:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
            # As the servers do: a port left in TIME_WAIT by the previous run is free.
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return sock.getsockname()[1]
    raise RuntimeError("no free local port")


# The harness's working directory (logs, Redis's append-only file; emptied by each run)
# and ports: chosen by the first process (the harness),
# inherited by gunicorn, the worker and beat.
os.environ.setdefault("CHAOS_DIR", str(Path(__file__).resolve().parents[2] / "var" / "chaos"))
for _name, _preferred in (("CHAOS_REDIS_PORT", 6391), ("CHAOS_SMTP_PORT", 8125)):
    os.environ.setdefault(_name, str(_free_port(_preferred)))
os.environ.setdefault("CHAOS_WEB_PORT", str(_free_port(8091)))

os.environ["DATABASE_URL"] = os.environ.get(
    "CHAOS_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/openflex_chaos"
)
os.environ["REDIS_URL"] = f"redis://127.0.0.1:{os.environ['CHAOS_REDIS_PORT']}/0"
os.environ["OPENFLEX_VAR_DIR"] = os.path.join(os.environ["CHAOS_DIR"], "var")
os.environ.setdefault("DJANGO_SECRET_KEY", "openflex-chaos-secret-key-not-for-production")
# The demo's provider passphrases are stored encrypted (P-1): a chaos-only Fernet key.
os.environ.setdefault(
    "OPENFLEX_FIELD_ENCRYPTION_KEY", "Y2hhb3Mta2V5LWZvci1vcGVuZmxleC1jaGFvcy11c2U="
)
os.environ["DJANGO_DEBUG"] = "0"

from .base import *  # noqa: E402

ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
SITE_URL = f"http://127.0.0.1:{os.environ['CHAOS_WEB_PORT']}"
# Demo logins only: a fast hasher keeps the two shared cores for the processes under test.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
WHITENOISE_USE_FINDERS = True

EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
EMAIL_HOST = "127.0.0.1"
EMAIL_PORT = int(os.environ["CHAOS_SMTP_PORT"])
EMAIL_USE_TLS = False
EMAIL_TIMEOUT = 10

# Shortened together (see the docstring): lease > task time limit > longest effect.
OUTBOX_LEASE = timedelta(seconds=45)
CELERY_TASK_TIME_LIMIT = 40
CELERY_TASK_SOFT_TIME_LIMIT = 35
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 60}
CELERY_BEAT_SCHEDULE_FILENAME = os.path.join(os.environ["CHAOS_DIR"], "celerybeat-schedule")
CELERY_BEAT_SCHEDULE = {
    "outbox-sweep": {
        "task": "openflex.outbox.tasks.effects_sweep_task",
        "schedule": timedelta(seconds=10),
    },
    "vehicles-delay-scan": {
        "task": "vehicles.tasks.delay_scan_task",
        "schedule": timedelta(seconds=20),
    },
    "opportunities-neglect-scan": {
        "task": "opportunities.sales.tasks.opportunities_neglect_scan_task",
        "schedule": timedelta(seconds=20),
    },
}
LOGGING["root"]["level"] = "WARNING"
LOGGING["loggers"]["openflex.outbox"] = {"level": "INFO"}
