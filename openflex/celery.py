"""The Celery application: worker and beat run ``celery -A openflex …``."""

import logging
import logging.config
import os

from celery import Celery
from celery.signals import setup_logging

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "openflex.settings.base")

app = Celery("openflex")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@setup_logging.connect
def logging_from_django_settings(loglevel=None, **kwargs):
    """Worker and beat log through the project's LOGGING, not Celery's own handlers.

    A receiver of ``setup_logging`` replaces Celery's logging setup: its lines then have
    the format, the time zone and the UTC offset of Django's and gunicorn's
    (settings.LOGGING). ``--loglevel`` keeps its meaning: it sets the root level.
    """
    from django.conf import settings

    logging.config.dictConfig(settings.LOGGING)
    if loglevel:
        logging.getLogger().setLevel(loglevel)
