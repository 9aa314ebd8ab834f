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
# One TLS proxy in front of gunicorn: the client's address is the last X-Forwarded-For
# entry (login lockout, password-reset throttling). Set the number of proxies that
# append to X-Forwarded-For, 0 when gunicorn faces the clients directly.
OPENFLEX_TRUSTED_PROXIES = env("OPENFLEX_TRUSTED_PROXIES", 1, int)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # load balancers and compose probe over HTTP
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = env("DJANGO_SECURE_HSTS_SECONDS", 60 * 60 * 24 * 365, int)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True

# Trade-in photos go through Django's storage API (the FileFields' default storage).
# OPENFLEX_MEDIA_STORAGE=s3 puts them in an S3-compatible
# bucket (django-storages with boto3, installed separately: pip install
# "django-storages[s3]"); the bucket stays private, photos are served by the application
# after its scope check. AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY are read by boto3 from
# the environment; AWS_S3_ENDPOINT_URL for a non-AWS service (MinIO, Scaleway, OVH…).
MEDIA_STORAGE = env("OPENFLEX_MEDIA_STORAGE", "filesystem")
if MEDIA_STORAGE == "s3":
    if not env("AWS_STORAGE_BUCKET_NAME", ""):
        raise ImproperlyConfigured("OPENFLEX_MEDIA_STORAGE=s3 needs AWS_STORAGE_BUCKET_NAME.")
    STORAGES["default"] = {  # noqa: F405
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env("AWS_STORAGE_BUCKET_NAME"),
            "region_name": env("AWS_S3_REGION_NAME", None),
            "endpoint_url": env("AWS_S3_ENDPOINT_URL", None),
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }
elif MEDIA_STORAGE != "filesystem":
    raise ImproperlyConfigured("OPENFLEX_MEDIA_STORAGE is 'filesystem' (default) or 's3'.")
