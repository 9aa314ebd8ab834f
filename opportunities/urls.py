"""The sale side's pages, one URL module per sub-domain (namespace ``opportunities``)."""

from django.urls import include, path

app_name = "opportunities"
urlpatterns = [
    path("", include(f"opportunities.{sub}.urls"))
    for sub in (
        "customers",
        "sales",
        "products",
        "documents",
        "reservations",
        "tradeins",
        "financing",
    )
]
