from django.urls import path
from django.utils.translation import gettext_lazy as _

from openflex.core.modules import module_pending

app_name = "vehicles"
urlpatterns = [
    path("vehicules/", module_pending(_("Véhicules")), name="list"),
]
