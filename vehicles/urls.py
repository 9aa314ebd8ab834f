from django.urls import path

from . import delay_views, settings_views, views

app_name = "vehicles"
urlpatterns = [
    path("vehicules/", views.vehicle_list, name="list"),
    path("vehicules/export.xlsx", views.vehicle_export, name="export"),
    path("vehicules/colonnes/", views.columns_save, name="columns_save"),
    path("vehicules/recherches/", views.saved_search_create, name="saved_search_create"),
    path("vehicules/recherches/<int:pk>/", views.saved_search_action, name="saved_search_action"),
    path("vehicules/nouveau/", views.vehicle_create, name="create"),
    path("vehicules/prix-a-valider/", views.price_change_list, name="price_changes"),
    path(
        "vehicules/prix/<int:pk>/decision/", views.price_change_decide, name="price_change_decide"
    ),
    path("vehicules/transferts/", views.transfer_list, name="transfers"),
    path("vehicules/transferts/<int:pk>/decision/", views.transfer_decide, name="transfer_decide"),
    path("vehicules/encheres/<int:pk>/", views.auction_action, name="auction_action"),
    path("vehicules/retards/", delay_views.late_list, name="late_list"),
    path("vehicules/retards/liste.pdf", delay_views.late_list_pdf, name="late_list_pdf"),
    path("vehicules/retards/envoyer/", delay_views.late_list_email, name="late_list_email"),
    path("vehicules/<int:number>/", views.vehicle_detail, name="detail"),
    path("vehicules/<int:number>/retard/", delay_views.delay_manage, name="delay_manage"),
    path(
        "vehicules/<int:number>/alertes-retard/",
        delay_views.delay_alerts_toggle,
        name="delay_alerts_toggle",
    ),
    path("vehicules/<int:number>/modifier/", views.vehicle_edit, name="edit"),
    path("vehicules/<int:number>/statut/", views.vehicle_status, name="status"),
    path("vehicules/<int:number>/prix/", views.vehicle_prices, name="prices"),
    path("vehicules/<int:number>/options/", views.vehicle_option_add, name="option_add"),
    path("vehicules/<int:number>/publication/", views.vehicle_publication, name="publication"),
    path(
        "vehicules/<int:number>/transfert/", views.vehicle_transfer_request, name="transfer_request"
    ),
    path("vehicules/<int:number>/enchere/", views.vehicle_auction_create, name="auction_create"),
    path("feeds/stock.xml", views.feed_xml, name="feed_xml"),
    path("feeds/stock.json", views.feed_json, name="feed_json"),
    path("parametres/vehicules/", settings_views.lifeline_settings, name="settings"),
    path(
        "parametres/vehicules/statuts/<int:pk>/",
        settings_views.lifeline_status_edit,
        name="settings_status",
    ),
    path("parametres/vehicules/durees/", settings_views.max_stays_edit, name="settings_max_stays"),
]
