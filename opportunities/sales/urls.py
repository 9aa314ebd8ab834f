from django.urls import path

from .views import offers, opportunities, orders

urlpatterns = [
    path("opportunites/", opportunities.opportunity_list, name="index"),
    path("opportunites/nouvelle/", opportunities.opportunity_create, name="create"),
    path("opportunites/<int:pk>/", opportunities.opportunity_detail, name="detail"),
    path(
        "opportunites/<int:pk>/<slug:action>/",
        opportunities.opportunity_action,
        name="action",
    ),
    path("vehicules/<int:number>/offre/", offers.offer_for_vehicle, name="offer_for_vehicle"),
    path("offres/<int:pk>/", offers.offer_detail, name="offer_detail"),
    path("offres/<int:pk>/<slug:action>/", offers.offer_action, name="offer_action"),
    path("commandes/", orders.order_list, name="orders"),
    path("commandes/<int:pk>/", orders.order_detail, name="order_detail"),
    path("commandes/<int:pk>/reglement/", orders.order_payment, name="order_payment"),
    # One view per aggregate dispatches its actions by name (a registry in its module);
    # the list rows' forms name the action with the button pressed instead of the URL.
    path("commandes/<int:pk>/action/", orders.order_action, name="order_action"),
    path("commandes/<int:pk>/action/<slug:name>/", orders.order_action, name="order_action"),
    path("parametres/ventes/", opportunities.sales_settings, name="sales_settings"),
]
