"""URLs of the trade-ins (O-8), included by opportunities/urls.py."""

from django.urls import path

from opportunities.tradeins import views

urlpatterns = [
    path("reprises/", views.tradein_validation_list, name="tradein_list"),
    path("reprises/demande/", views.tradein_request_create, name="tradein_request"),
    path(
        "opportunites/<int:pk>/reprises/nouvelle/",
        views.tradein_create,
        name="tradein_create",
    ),
    path("reprises/<int:pk>/", views.tradein_detail, name="tradein_detail"),
    path("reprises/<int:pk>/modifier/", views.tradein_edit, name="tradein_edit"),
    path(
        "reprises/<int:pk>/estimation.pdf",
        views.tradein_estimate_pdf,
        name="tradein_estimate_pdf",
    ),
    path(
        "reprises/<int:pk>/photos/<int:photo_pk>/",
        views.tradein_photo,
        name="tradein_photo",
    ),
    path(
        "reprises/<int:pk>/photos/<int:photo_pk>/miniature/",
        views.tradein_photo,
        {"thumbnail": True},
        name="tradein_photo_thumbnail",
    ),
    path("reprises/<int:pk>/<slug:action>/", views.tradein_action, name="tradein_action"),
]
