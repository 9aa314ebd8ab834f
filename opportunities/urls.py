from django.urls import include, path

from . import views

app_name = "opportunities"
urlpatterns = [
    path("clients/", views.customer_list, name="customers"),
    path("clients/nouveau/", views.customer_create, name="customer_create"),
    path("clients/<int:pk>/", views.customer_detail, name="customer_detail"),
    path("clients/<int:pk>/modifier/", views.customer_edit, name="customer_edit"),
    path(
        "clients/<int:pk>/representant/",
        views.customer_representative,
        name="customer_representative",
    ),
    path("opportunites/", views.opportunity_list, name="index"),
    path("opportunites/nouvelle/", views.opportunity_create, name="create"),
    path("opportunites/<int:pk>/", views.opportunity_detail, name="detail"),
    path(
        "opportunites/<int:pk>/<slug:action>/",
        views.opportunity_action,
        name="action",
    ),
    path("vehicules/<int:number>/offre/", views.offer_for_vehicle, name="offer_for_vehicle"),
    path("offres/<int:pk>/", views.offer_detail, name="offer_detail"),
    path("offres/<int:pk>/<slug:action>/", views.offer_action, name="offer_action"),
    path("commandes/", views.order_list, name="orders"),
    path("commandes/<int:pk>/", views.order_detail, name="order_detail"),
    path("commandes/<int:pk>/reglement/", views.order_payment, name="order_payment"),
    path("commandes/<int:pk>/action/", views.order_action, name="order_action"),
    path("parametres/ventes/", views.sales_settings, name="sales_settings"),
    path("", include("opportunities.product_urls")),
    path("", include("opportunities.document_urls")),
    path("", include("opportunities.reservation_urls")),
    path("", include("opportunities.tradein_urls")),
    path("", include("opportunities.financing_urls")),
]
