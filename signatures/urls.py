"""The e-signature's pages, one URL module per sub-domain (namespace ``signatures``)."""

from django.urls import include, path

app_name = "signatures"
urlpatterns = [
    path("", include(f"signatures.{sub}.urls"))
    for sub in ("requests", "sealing", "sms", "promotions", "flows")
]
