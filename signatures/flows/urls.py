"""URLs of the e-signature's business effects (namespace ``signatures``)."""

from django.urls import path

from signatures.flows import views

urlpatterns = [
    path("signatures/relances/", views.resend_list, name="resend_list"),
    path("signatures/relances/<int:pk>/", views.order_links_resend, name="order_links_resend"),
    path("signatures/demandes/<int:pk>/renvoyer/", views.request_resend, name="request_resend"),
    path("signatures/demandes/<int:pk>/tablette/", views.tablet_open, name="tablet_open"),
    path(
        "signatures/commandes/<int:pk>/pv-livraison/",
        views.delivery_request,
        name="delivery_request",
    ),
    path("signatures/offres/<int:pk>/envoyer/", views.offer_send, name="offer_send"),
]
