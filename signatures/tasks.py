"""Celery finds the e-signature's tasks here: each sub-domain keeps its own ``tasks`` module."""

from signatures.requests import tasks as requests_tasks  # noqa: F401
