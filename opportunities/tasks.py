"""Celery finds the sale side's tasks here: each sub-domain keeps its own ``tasks`` module."""

from opportunities.financing import tasks as financing_tasks  # noqa: F401
from opportunities.reservations import tasks as reservations_tasks  # noqa: F401
from opportunities.sales import tasks as sales_tasks  # noqa: F401
