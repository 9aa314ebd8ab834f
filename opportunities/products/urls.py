"""Paramètres › Véhicules › Produits additionnels, and the vehicle page's products (V-10)."""

from django.urls import path

from opportunities.products import views

urlpatterns = [
    path("parametres/produits/", views.product_list, name="products"),
    path("parametres/produits/nouveau/", views.product_create, name="product_create"),
    path("parametres/produits/<int:pk>/", views.product_edit, name="product_edit"),
    path("parametres/produits/<int:pk>/supprimer/", views.product_delete, name="product_delete"),
    path(
        "vehicules/<int:number>/produits/ajouter/",
        views.vehicle_product_attach,
        name="vehicle_product_attach",
    ),
    path(
        "vehicules/<int:number>/produits/retirer/",
        views.vehicle_product_detach,
        name="vehicle_product_detach",
    ),
]
