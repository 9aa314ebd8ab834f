"""E-reservation pages (P-8), included by payments/urls.py (namespace ``payments``)."""

from django.urls import path

from payments.ereservations import views

urlpatterns = [
    path("annonces/<int:number>/", views.vehicle_public, name="vehicle_public"),
    path("annonces/<int:number>/reserver/", views.vehicle_reserve, name="vehicle_reserve"),
    path("parametres/e-reservation/", views.ereservation_settings, name="ereservation_settings"),
]
