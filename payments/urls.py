from django.urls import include, path

app_name = "payments"
urlpatterns = [
    path("", include("payments.board.urls")),
    path("", include("payments.ereservations.urls")),
    path("", include("payments.transactions.urls")),
    path("", include("payments.providers.urls")),
]
