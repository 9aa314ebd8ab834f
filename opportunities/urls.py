from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from openflex.core.modules import module_pending

app_name = "opportunities"
urlpatterns = [
    path("opportunites/", module_pending(_("Opportunités")), name="index"),
    path("opportunites/<int:pk>/", module_pending(_("Opportunités")), name="detail"),
    path("commandes/<int:pk>/", module_pending(_("Commandes")), name="order_detail"),
    path("clients/", module_pending(_("Clients")), name="customers"),
    path("parametres/ventes/", module_pending(_("Parcours de vente")), name="sales_settings"),
    path("", include("opportunities.product_urls")),
    path("", include("opportunities.document_urls")),
]
