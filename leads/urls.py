from django.urls import path
from django.utils.translation import gettext_lazy as _

from openflex.core.modules import module_pending

app_name = "leads"
urlpatterns = [
    path("leads/", module_pending(_("Leads")), name="index"),
]
