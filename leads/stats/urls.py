"""URLs of the lead statistics (L-5, L-6), included by leads/urls.py."""

from django.urls import path

from leads.stats import views

urlpatterns = [
    path("leads/statistiques/", views.statistics, name="statistics"),
    path(
        "leads/statistiques/<slug:view>.xlsx",
        views.statistics_export,
        name="statistics_export",
    ),
]
