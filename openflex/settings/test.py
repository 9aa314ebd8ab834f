"""Test settings: PostgreSQL and Redis (real services), fast hashing, eager on-commit tasks.

``DATABASE_URL`` and ``REDIS_URL`` default to the standard local ports; ``make test``
checks that both answer before running the suite.
"""

import os

os.environ.setdefault("DJANGO_DEBUG", "0")
os.environ.setdefault("DJANGO_SECRET_KEY", "openflex-test-secret-key-not-for-production")
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/openflex")
os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/15")
os.environ.setdefault(
    "OPENFLEX_FIELD_ENCRYPTION_KEY", "dGVzdC1rZXktZm9yLW9wZW5mbGV4LXRlc3RzLW9ubHk="
)

from .base import *  # noqa: E402, F403

ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
# Tasks enqueued with transaction.on_commit run in-process in unit tests; the
# tests that need a real worker start one against Redis (tests/test_celery_worker.py).
CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True
AXES_ENABLED = True
LOGGING["root"]["level"] = "WARNING"  # noqa: F405
