from django.urls import include, path

from openflex.core.views import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("", include("openflex.home.urls")),
    path("", include("openflex.accounts.urls")),
    path("notifications/", include("openflex.notifications.urls")),
    path("parametres/", include("openflex.configuration.urls")),
    path("", include("vehicles.urls")),
    path("", include("opportunities.urls")),
    path("", include("payments.urls")),
    path("", include("leads.urls")),
]
