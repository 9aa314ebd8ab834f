"""The e-payments list (P-7), included by payments/urls.py (namespace ``payments``)."""

from django.urls import path

from payments.board import views

urlpatterns = [
    path("paiements/", views.payment_list, name="index"),
]
