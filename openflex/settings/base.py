"""Base settings, read from the environment (12-factor).

Every value that differs between machines comes from an environment variable:
``DJANGO_DEBUG``, ``DJANGO_SECRET_KEY``, ``DATABASE_URL``, ``REDIS_URL``,
``DJANGO_ALLOWED_HOSTS``, ``EMAIL_URL``-like ``DJANGO_EMAIL_*`` variables.
Without ``DATABASE_URL`` the application runs on an embedded SQLite file under
``var/`` (WAL mode, busy timeout) and without ``REDIS_URL`` Celery uses kombu's
filesystem transport, so that ``make run`` needs no server.
"""

from datetime import timedelta
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from openflex.env import env, env_bool, env_list

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(env("OPENFLEX_VAR_DIR", str(BASE_DIR / "var")))
# Created whatever the configuration: beat writes its schedule here
# (CELERY_BEAT_SCHEDULE_FILENAME) even when the database and the broker are servers.
VAR_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = env_bool("DJANGO_DEBUG", False)

SECRET_KEY = env("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off (see README)."
        )
    SECRET_KEY = "openflex-development-only-key-never-use-in-production"  # noqa: S105

# Secrets stored in the database (provider keys) are encrypted with this key.
FIELD_ENCRYPTION_KEY = env("OPENFLEX_FIELD_ENCRYPTION_KEY", "")

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])
SITE_URL = env("OPENFLEX_SITE_URL", "http://127.0.0.1:8000").rstrip("/")
# Financing partner for the automatic simulations and requests (V-13): "sandbox" is the
# CGI sandbox provider of development and tests.
FINANCING_PROVIDER = env("FINANCING_PROVIDER", "sandbox")
# E-payment (P-4, P-5, X-3): validity of a customer's payment link, delay after which the
# reconciliation job asks the provider about a payment still "envoyé", and the dealer's
# privacy-policy page linked from the payment emails (empty: the built-in page).
PAYMENTS_LINK_MAX_AGE_DAYS = int(env("OPENFLEX_PAYMENTS_LINK_MAX_AGE_DAYS", "14"))
PAYMENTS_RECONCILE_AFTER_MINUTES = int(env("OPENFLEX_PAYMENTS_RECONCILE_AFTER_MINUTES", "30"))
PRIVACY_POLICY_URL = env("OPENFLEX_PRIVACY_POLICY_URL", "")
# SMS backend of the e-signature codes (S-7): "outbox" records them only (development,
# tests, demo: Paramètres › SMS envoyés); "twilio" sends through Twilio's REST API.
SMS_BACKEND = env("OPENFLEX_SMS_BACKEND", "outbox")
TWILIO_ACCOUNT_SID = env("TWILIO_ACCOUNT_SID", "")
TWILIO_AUTH_TOKEN = env("TWILIO_AUTH_TOKEN", "")
TWILIO_FROM = env("TWILIO_FROM", "")  # an E.164 number, or a Messaging Service SID (MG…)
TWILIO_API_BASE = env("TWILIO_API_BASE", "https://api.twilio.com")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",
    "django_htmx",
    "template_partials",
    "django_filters",
    "django_fsm",
    "axes",
    "csp",
    "ninja",  # the lead API's OpenAPI page (/api/docs): its templates and static files
    "openflex.core",
    "openflex.accounts",
    "openflex.outbox",
    "openflex.notifications",
    "openflex.home",
    "openflex.configuration",
    "vehicles",
    "opportunities",
    "payments",
    "signatures",
    "leads",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "openflex.core.middleware.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # The friendly 404 page under DEBUG too (make run); DJANGO_TECHNICAL_404=1: Django's.
    "openflex.core.errors.FriendlyNotFoundMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "openflex.urls"
WSGI_APPLICATION = "openflex.wsgi.application"
ASGI_APPLICATION = "openflex.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "openflex.core.context_processors.navigation",
                "openflex.core.context_processors.csp_nonce",
            ],
            "builtins": ["openflex.core.templatetags.openflex"],
        },
    }
]

FORM_RENDERER = "openflex.core.forms.FormRenderer"
# django-filter's empty choice of a list filter: "Tous", never Django's "---------" (#13).
FILTERS_EMPTY_CHOICE_LABEL = _("Tous")

# --- Database -----------------------------------------------------------------
DATABASE_URL = env("DATABASE_URL", "")
if DATABASE_URL:
    # Persistent connections are checked before each request reuses them: a connection
    # that PostgreSQL closed (restart, failover, pg_terminate_backend) is reopened
    # instead of failing the request.
    DATABASES = {
        "default": dj_database_url.parse(DATABASE_URL, conn_max_age=60, conn_health_checks=True)
    }
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": VAR_DIR / "openflex.sqlite3",
            "OPTIONS": {
                # The web process and the Celery worker write concurrently: WAL mode
                # lets readers go on while one writer works, the busy timeout makes
                # the other writer wait instead of failing with "database is locked".
                "timeout": 20,
                "transaction_mode": "IMMEDIATE",
                "init_command": (
                    "PRAGMA journal_mode=WAL;"
                    "PRAGMA synchronous=NORMAL;"
                    "PRAGMA busy_timeout=20000;"
                    "PRAGMA foreign_keys=ON;"
                ),
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Auth ---------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home:index"
LOGOUT_REDIRECT_URL = "accounts:login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    # The email's local part and the full name, whole (valideur-reprises@…).
    {"NAME": "openflex.accounts.passwords.EmailSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24 * 3  # invitation and reset links: 3 days
# "Mot de passe oublié" requests per hour: per email typed, per client address.
PASSWORD_RESET_MAX_PER_EMAIL = 3
PASSWORD_RESET_MAX_PER_ADDRESS = 20

# Brute-force protection on the login form (django-axes): 5 failures for one
# email from one address lock that pair out for 15 minutes.
AXES_FAILURE_LIMIT = env("AXES_FAILURE_LIMIT", 5, int)
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# Behind a proxy REMOTE_ADDR is the proxy's: the client's address is read from
# X-Forwarded-For, trusting only the entries the OPENFLEX_TRUSTED_PROXIES proxies in front
# of the application appended (openflex.core.clients.client_ip). 0 (development, tests)
# reads REMOTE_ADDR only; production defaults to 1 (the TLS proxy).
OPENFLEX_TRUSTED_PROXIES = env("OPENFLEX_TRUSTED_PROXIES", 0, int)
AXES_CLIENT_IP_CALLABLE = "openflex.core.clients.client_ip"
# Besides the pair, one address is throttled across all accounts (password spraying):
# this many failures within AXES_COOLOFF_TIME lock the address out (see decisions.md).
AXES_HANDLER = "openflex.accounts.lockout.AddressThrottlingHandler"
AXES_ADDRESS_FAILURE_LIMIT = env("AXES_ADDRESS_FAILURE_LIMIT", 20, int)
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/lockout.html"
AXES_USERNAME_FORM_FIELD = "username"
AXES_USERNAME_CALLABLE = "openflex.accounts.forms.axes_username"
AXES_VERBOSE = False

# Profile security (ORG-4)
SECURITY_CODE_TTL = timedelta(minutes=15)
SECURITY_CODE_MAX_ATTEMPTS = 5
SECURITY_CODE_MAX_REQUESTS_PER_HOUR = 5  # new codes asked for, per user

# --- i18n / l10n ----------------------------------------------------------------
LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("Français"))]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["openflex.formats"]

# --- Static files ---------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
if DEBUG:
    STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
WHITENOISE_USE_FINDERS = DEBUG
MEDIA_ROOT = VAR_DIR / "media"
MEDIA_URL = "/media/"

# --- Email ----------------------------------------------------------------------
# Every email is rendered from a template, recorded (notifications.OutboundEmail)
# and sent by a Celery task. In development the file backend keeps them readable
# under var/emails/ and the "Emails envoyés" screen lists them.
EMAIL_BACKEND = env(
    "DJANGO_EMAIL_BACKEND",
    "django.core.mail.backends.filebased.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_FILE_PATH = VAR_DIR / "emails"
EMAIL_HOST = env("DJANGO_EMAIL_HOST", "localhost")
EMAIL_PORT = env("DJANGO_EMAIL_PORT", 25, int)
EMAIL_HOST_USER = env("DJANGO_EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env("DJANGO_EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("DJANGO_EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env("DJANGO_DEFAULT_FROM_EMAIL", "OpenFlex <no-reply@openflex.test>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Domain of the Message-ID fixed before an email's first SMTP exchange.
EMAIL_MESSAGE_ID_DOMAIN = env(
    "OPENFLEX_EMAIL_MESSAGE_ID_DOMAIN",
    DEFAULT_FROM_EMAIL.rpartition("@")[2].strip(">") or "openflex.test",
)

# --- Celery -----------------------------------------------------------------------
REDIS_URL = env("REDIS_URL", "")
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    # A message not acknowledged within this delay is delivered again (acks_late): longer
    # than the longest task (CELERY_TASK_TIME_LIMIT, 5 min), short enough that a task of
    # a killed worker runs again within a quarter of an hour. The outbox sweep covers the
    # rest.
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 900}
else:
    _broker_dir = VAR_DIR / "celery" / "broker"
    _broker_dir.mkdir(parents=True, exist_ok=True)
    # The host part means nothing to the filesystem transport, but without one kombu
    # warns "No hostname was supplied" at every connection it makes (kombu.connection).
    CELERY_BROKER_URL = "filesystem://localhost//"
    (VAR_DIR / "celery" / "control").mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir),
        "data_folder_out": str(_broker_dir),
        "control_folder": str(VAR_DIR / "celery" / "control"),
        "store_processed": False,
    }
CELERY_TASK_IGNORE_RESULT = True
CELERY_RESULT_BACKEND = None
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 5 * 60
CELERY_TASK_SOFT_TIME_LIMIT = 4 * 60
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")

# All periodic jobs of the product, in one place.
CELERY_BEAT_SCHEDULE = {
    # Every minute: run the outbox's due side effects (emails, notifications, provider
    # calls) that the broker lost or never received, failed ones due again, and those a
    # dead worker left running.
    "outbox-sweep": {
        "task": "openflex.outbox.tasks.effects_sweep_task",
        "schedule": timedelta(minutes=1),
    },
    # Every night at 03:35: forget the outbox effects done more than a week ago (their
    # payloads may hold personal data).
    "outbox-purge": {
        "task": "openflex.outbox.tasks.effects_purge_task",
        "schedule": crontab(hour=3, minute=35),
    },
    # Every 30 minutes: notify fleet managers of vehicles newly late in their status (V-9).
    "vehicles-delay-scan": {
        "task": "vehicles.tasks.delay_scan_task",
        "schedule": timedelta(minutes=30),
    },
    # Every night at 02:40: abandon opportunities inactive for the configured delay (O-1).
    "opportunities-cancel-inactive": {
        "task": "opportunities.sales.tasks.opportunities_cancel_inactive_task",
        "schedule": crontab(hour=2, minute=40),
    },
    # Every hour at :20: alert salespeople of opportunities newly "en souffrance" (O-1).
    "opportunities-neglect-scan": {
        "task": "opportunities.sales.tasks.opportunities_neglect_scan_task",
        "schedule": crontab(minute=20),
    },
    # Every 5 minutes: end pre-entry reservations whose 48 h after entrée physique are over (V-11).
    "opportunities-reservations-expire": {
        "task": "opportunities.reservations.tasks.reservations_expire_task",
        "schedule": timedelta(minutes=5),
    },
    # Every 5 minutes: release the e-reservations whose paid hold is over; their payment
    # becomes "à rembourser" (P-8).
    "payments-ereservations-expire": {
        "task": "payments.ereservations.tasks.ereservations_expire_task",
        "schedule": timedelta(minutes=5),
    },
    # Every night at 03:25: automatic financing simulations of the VD/VO in sales stock
    # whose selling price changed since their simulations were made (V-13).
    "opportunities-financing-refresh": {
        "task": "opportunities.financing.tasks.financing_simulations_refresh_due_task",
        "schedule": crontab(hour=3, minute=25),
    },
    # Every 10 minutes: expire the e-signature requests whose stored expiry passed (S-3).
    "signatures-expire": {
        "task": "signatures.requests.tasks.signatures_expire_task",
        "schedule": timedelta(minutes=10),
    },
    # Every 15 minutes: send the e-signature reminders that are due (S-3).
    "signatures-remind": {
        "task": "signatures.requests.tasks.signatures_remind_task",
        "schedule": timedelta(minutes=15),
    },
    # Every 10 minutes: ask the payment provider about e-payments still "envoyé" after
    # PAYMENTS_RECONCILE_AFTER_MINUTES (a lost callback never leaves a paid deposit pending, P-5).
    "payments-reconcile": {
        "task": "payments.transactions.tasks.payments_reconcile_task",
        "schedule": timedelta(minutes=10),
    },
    # Every night at 03:10: forget expired profile security codes.
    "security-codes-purge": {
        "task": "openflex.accounts.tasks.security_codes_purge",
        "schedule": crontab(hour=3, minute=10),
    },
    # Every night at 03:20: forget the rate-limit counters whose window is over.
    "throttles-purge": {
        "task": "openflex.core.tasks.throttles_purge_task",
        "schedule": crontab(hour=3, minute=20),
    },
    # Every minute: send the leads' reminders before neglect that are due (stored due
    # times, claimed with skip_locked, marked sent with the email enqueued) and mark the
    # tasks past their lifetime "en souffrance" (L-2).
    "leads-reminders-scan": {
        "task": "leads.inbox.tasks.lead_reminders_scan_task",
        "schedule": timedelta(minutes=1),
    },
}

# --- Security -------------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 60 * 60 * 10  # one working day
CSRF_COOKIE_HTTPONLY = False  # htmx reads the token from the <body hx-headers>
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# Content-Security-Policy (django-csp): scripts from this origin and, besides, those that
# carry the response's nonce (base.html puts it on every <script>); no inline script, no
# eval (htmx's hx-on and trigger filters are not used: static/js/app.js listens instead),
# no style attribute (htmx's indicator <style> is off through <meta name="htmx-config">
# and its rules live in app.css). See docs/decisions.md (#12).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "object-src": [NONE],
    }
}
# Browser features no page uses (openflex.core.middleware): an empty list forbids the
# feature to the page and to any frame. Choosing a photo to upload opens the phone's
# camera through the file picker, which this does not restrict.
PERMISSIONS_POLICY = {
    "accelerometer": [],
    "camera": [],
    "display-capture": [],
    "geolocation": [],
    "gyroscope": [],
    "hid": [],
    "magnetometer": [],
    "microphone": [],
    "midi": [],
    "payment": [],
    "serial": [],
    "usb": [],
}

# One line format for every process: Django here, gunicorn (openflex/gunicorn.conf.py
# repeats this formatter and TIME_ZONE for its master, which does not load Django;
# tests/core/test_make_run.py keeps them identical) and Celery's worker and beat
# (openflex/celery.py configures their logging from this dict). Times are local to
# TIME_ZONE (Django sets the process's TZ from it) and carry their UTC offset.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {
            "format": "%(asctime)s %(levelname)s %(name)s %(message)s",
            "datefmt": "%Y-%m-%d %H:%M:%S%z",
        }
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    # A refused access (403) is logged as one warning line, without a traceback.
    "filters": {"no_403_traceback": {"()": "openflex.core.errors.NoTracebackForbidden"}},
    "root": {"handlers": ["console"], "level": env("DJANGO_LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        "django.request": {"filters": ["no_403_traceback"]},
    },
}
OPENFLEX_TECHNICAL_404 = env_bool("DJANGO_TECHNICAL_404", False)
