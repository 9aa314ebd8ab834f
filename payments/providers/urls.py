"""The sandbox provider's hosted page (namespace ``payments``)."""

from django.urls import path

from payments.providers import views

urlpatterns = [
    path("payments/sandbox/", views.sandbox_page, name="sandbox_page"),
    path("payments/sandbox/decision/", views.sandbox_decision, name="sandbox_decide"),
]
