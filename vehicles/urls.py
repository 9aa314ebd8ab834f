from django.urls import path

from .approvals import views as approvals
from .configuration import views as configuration
from .delays import views as delays
from .detail import views as detail
from .stock import views as stock

app_name = "vehicles"
urlpatterns = [
    path("vehicules/", stock.vehicle_list, name="list"),
    path("vehicules/export.xlsx", stock.vehicle_export, name="export"),
    path("vehicules/colonnes/", stock.columns_save, name="columns_save"),
    path("vehicules/recherches/", stock.saved_search_create, name="saved_search_create"),
    path("vehicules/recherches/<int:pk>/", stock.saved_search_action, name="saved_search_action"),
    path("vehicules/nouveau/", detail.vehicle_create, name="create"),
    path("vehicules/prix-a-valider/", approvals.price_change_list, name="price_changes"),
    path(
        "vehicules/prix/<int:pk>/decision/",
        approvals.price_change_decide,
        name="price_change_decide",
    ),
    path("vehicules/transferts/", approvals.transfer_list, name="transfers"),
    path(
        "vehicules/transferts/<int:pk>/decision/", approvals.transfer_decide, name="transfer_decide"
    ),
    path("vehicules/encheres/<int:pk>/", detail.auction_action, name="auction_action"),
    path("vehicules/retards/", delays.late_list, name="late_list"),
    path("vehicules/retards/liste.pdf", delays.late_list_pdf, name="late_list_pdf"),
    path("vehicules/retards/envoyer/", delays.late_list_email, name="late_list_email"),
    path("vehicules/<int:number>/", detail.vehicle_detail, name="detail"),
    path("vehicules/<int:number>/retard/", delays.delay_manage, name="delay_manage"),
    path(
        "vehicules/<int:number>/alertes-retard/",
        delays.delay_alerts_toggle,
        name="delay_alerts_toggle",
    ),
    path("vehicules/<int:number>/modifier/", detail.vehicle_edit, name="edit"),
    path("vehicules/<int:number>/statut/", detail.vehicle_status, name="status"),
    path("vehicules/<int:number>/prix/", detail.vehicle_prices, name="prices"),
    path("vehicules/<int:number>/options/", detail.vehicle_option_add, name="option_add"),
    path("vehicules/<int:number>/publication/", detail.vehicle_publication, name="publication"),
    path(
        "vehicules/<int:number>/transfert/",
        detail.vehicle_transfer_request,
        name="transfer_request",
    ),
    path("vehicules/<int:number>/enchere/", detail.vehicle_auction_create, name="auction_create"),
    path("feeds/stock.xml", stock.feed_xml, name="feed_xml"),
    path("feeds/stock.json", stock.feed_json, name="feed_json"),
    path("parametres/vehicules/", configuration.lifeline_settings, name="settings"),
    path(
        "parametres/vehicules/statuts/<int:pk>/",
        configuration.lifeline_status_edit,
        name="settings_status",
    ),
    path("parametres/vehicules/durees/", configuration.max_stays_edit, name="settings_max_stays"),
]
