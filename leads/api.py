"""The API's routers, gathered: the NinjaAPI object lives in ``leads.intake.api`` (with
the leads' router); each other sub-domain's router is added here, once, before
``openflex/urls.py`` reads ``api.urls``."""

from leads.calls.api import router as calls_router
from leads.intake.api import api

api.add_router("/", calls_router)  # POST /api/calls/ (L-3)

__all__ = ["api"]
