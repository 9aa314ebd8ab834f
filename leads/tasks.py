"""Celery finds the leads' tasks here: each sub-domain keeps its own ``tasks`` module."""

from leads.inbox import tasks as inbox_tasks  # noqa: F401
