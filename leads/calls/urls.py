"""URLs of the calls (L-3), included by leads/urls.py."""

from django.urls import path

from leads.calls import views

urlpatterns = [
    path("leads/appels/manques/", views.calls_missed, name="calls_missed"),
    path("leads/appels/connectes/", views.calls_connected, name="calls_connected"),
    path("leads/numeros-traceurs/", views.tracking_numbers, name="tracking_numbers"),
    path(
        "leads/numeros-traceurs/<int:pk>/",
        views.tracking_number_detail,
        name="tracking_number_detail",
    ),
    path(
        "parametres/leads/numeros-traceurs/",
        views.tracking_number_settings,
        name="tracking_number_settings",
    ),
    path(
        "parametres/leads/numeros-traceurs/<int:pk>/",
        views.tracking_number_edit,
        name="tracking_number_edit",
    ),
]
