from django.urls import include, path

from leads.api import api as lead_api
from openflex.core.views import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    # The JSON API (django-ninja, Bearer keys, no session); first, so that its requests
    # resolve without walking the pages' patterns.
    path("api/", lead_api.urls),
    path("", include("openflex.home.urls")),
    path("", include("openflex.accounts.urls")),
    path("notifications/", include("openflex.notifications.urls")),
    path("parametres/", include("openflex.configuration.urls")),
    path("", include("vehicles.urls")),
    path("", include("opportunities.urls")),
    path("", include("payments.urls")),
    path("", include("signatures.urls")),
    path("", include("leads.urls")),
]

# French error pages in the site's layout, with a way back (openflex/core/errors.py).
handler403 = "openflex.core.errors.permission_denied"
handler404 = "openflex.core.errors.page_not_found"
handler500 = "openflex.core.errors.server_error"
