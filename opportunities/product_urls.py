"""Paramètres > Véhicules > Produits additionnels (V-10)."""

from django.urls import path
from django.utils.translation import gettext_lazy as _

from openflex.core.modules import module_pending

urlpatterns = [
    path("parametres/produits/", module_pending(_("Produits additionnels")), name="products"),
]
