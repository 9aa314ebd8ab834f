"""Paramètres finds the leads' screens here: each sub-domain registers its own."""

from leads.calls import configuration as _calls_configuration  # noqa: F401
from leads.inbox import configuration as _inbox_configuration  # noqa: F401
