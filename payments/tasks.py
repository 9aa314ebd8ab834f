"""Celery finds the e-payment's tasks here: each sub-domain keeps its own ``tasks`` module."""

from payments.ereservations import tasks as ereservations_tasks  # noqa: F401
from payments.transactions import tasks as transactions_tasks  # noqa: F401
