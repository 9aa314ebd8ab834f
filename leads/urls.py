from django.urls import include, path

app_name = "leads"
urlpatterns = [
    path("", include("leads.inbox.urls")),  # tasks, conversion, lifetime settings (L-1, L-2, L-7)
    path("", include("leads.intake.urls")),  # sources and API keys (L-1)
    path("", include("leads.calls.urls")),  # calls, tracking numbers (L-3)
    path("", include("leads.stats.urls")),  # statistics (L-5, L-6)
]
