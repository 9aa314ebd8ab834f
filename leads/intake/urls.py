"""URLs of the intake's settings (Paramètres > Leads entrants > Sources)."""

from django.urls import path

from leads.intake import views

urlpatterns = [
    path("parametres/leads/sources/", views.source_list, name="sources"),
    path("parametres/leads/sources/<int:pk>/", views.source_detail, name="source_detail"),
    path("parametres/leads/cles/<int:pk>/revoquer/", views.key_revoke, name="key_revoke"),
]
