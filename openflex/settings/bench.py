"""Benchmark settings: production-like (DEBUG off) on a dedicated PostgreSQL database."""

import os

os.environ["DATABASE_URL"] = os.environ.get(
    "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/openflex_bench"
)
os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/14")
os.environ.setdefault("DJANGO_SECRET_KEY", "openflex-bench-secret-key-not-for-production")
os.environ.setdefault("DJANGO_DEBUG", "0")
# The demo's provider passphrases are stored encrypted (P-1): a bench-only Fernet key.
os.environ.setdefault(
    "OPENFLEX_FIELD_ENCRYPTION_KEY", "YmVuY2gta2V5LWZvci1vcGVuZmxleC1iZW5jaC11c2U="
)

from .base import *  # noqa: E402, F403

ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}  # noqa: F405
CELERY_TASK_ALWAYS_EAGER = True
LOGGING["root"]["level"] = "WARNING"  # noqa: F405
