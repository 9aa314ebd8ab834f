"""URLs of financing (V-13), included by opportunities/urls.py."""

from django.urls import path

from opportunities.financing import views

urlpatterns = [
    path(
        "vehicules/<int:number>/financement/simulation/",
        views.vehicle_simulation_create,
        name="financing_vehicle_simulation",
    ),
    path(
        "vehicules/<int:number>/financement/<int:pk>/defaut/",
        views.vehicle_simulation_default,
        name="financing_vehicle_default",
    ),
    path(
        "vehicules/<int:number>/financement/defaut/retirer/",
        views.vehicle_default_clear,
        name="financing_vehicle_default_clear",
    ),
    path(
        "vehicules/<int:number>/financement/<int:pk>/supprimer/",
        views.vehicle_simulation_delete,
        name="financing_vehicle_delete",
    ),
    path(
        "vehicules/<int:number>/financement/actualiser/",
        views.vehicle_simulations_refresh,
        name="financing_vehicle_refresh",
    ),
    path(
        "offres/<int:pk>/financement/simulation/",
        views.offer_simulation_create,
        name="financing_offer_simulation",
    ),
    path(
        "offres/<int:pk>/financement/actualiser/",
        views.offer_simulations_refresh,
        name="financing_offer_refresh",
    ),
    path(
        "offres/<int:pk>/financement/demande/",
        views.offer_financing_request,
        name="financing_request",
    ),
]
