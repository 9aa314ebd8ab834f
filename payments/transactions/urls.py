"""E-payment pages (namespace ``payments``): customer link and returns, provider callback,
actions, Paramètres screen."""

from django.urls import path

from payments.transactions import views

urlpatterns = [
    path("paiement/lien/<str:token>/", views.payment_link, name="link"),
    path("paiement/retour/<slug:provider>/<slug:outcome>/", views.payment_return, name="return"),
    path("paiement/confidentialite/", views.payment_privacy, name="privacy"),
    path("payments/providers/<slug:provider>/callback/", views.payment_callback, name="callback"),
    path("paiements/<int:pk>/actions/<slug:action>/", views.payment_action, name="action"),
    path("parametres/e-paiement/", views.configuration_list, name="configuration"),
    path(
        "parametres/e-paiement/<int:pos_pk>/",
        views.configuration_edit,
        name="configuration_edit",
    ),
]
