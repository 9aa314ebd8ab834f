"""URLs of the pre-entry reservation (V-11), included by opportunities/urls.py."""

from django.urls import path

from opportunities.reservations import views

urlpatterns = [
    path("offres/<int:pk>/reservation/creer/", views.offer_reserve, name="offer_reserve"),
    path(
        "vehicules/<int:number>/reservation/annuler/",
        views.vehicle_reservation_end,
        name="vehicle_reservation_end",
    ),
    path("parametres/reservation-vo/", views.reservation_settings, name="reservation_settings"),
]
