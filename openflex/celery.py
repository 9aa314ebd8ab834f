"""The Celery application: worker and beat run ``celery -A openflex …``."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "openflex.settings.base")

app = Celery("openflex")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
