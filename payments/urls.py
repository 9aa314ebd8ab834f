from django.urls import path
from django.utils.translation import gettext_lazy as _

from openflex.core.modules import module_pending

app_name = "payments"
urlpatterns = [
    path("paiements/", module_pending(_("Paiements")), name="index"),
]
