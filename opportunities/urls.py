from django.urls import path
from django.utils.translation import gettext_lazy as _

from openflex.core.modules import module_pending

app_name = "opportunities"
urlpatterns = [
    path("opportunites/", module_pending(_("Opportunités")), name="index"),
    path("clients/", module_pending(_("Clients")), name="customers"),
]
