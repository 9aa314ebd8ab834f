"""Order PDFs (O-7)."""

from django.urls import path

from opportunities.documents import views as document_views

urlpatterns = [
    path(
        "commandes/<int:pk>/bon-de-commande.pdf",
        document_views.order_form_pdf,
        name="order_form_pdf",
    ),
    path(
        "commandes/<int:pk>/pv-de-livraison.pdf",
        document_views.delivery_report_pdf,
        name="delivery_report_pdf",
    ),
    path(
        "vehicules/<int:number>/affichette.pdf",
        document_views.price_sticker_pdf,
        name="price_sticker_pdf",
    ),
]
