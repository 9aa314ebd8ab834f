from django.urls import path

from . import views

app_name = "configuration"
urlpatterns = [
    path("", views.index, name="index"),
    path("organisation/", views.organisation, name="organisation"),
    path(
        "organisation/points-de-vente/<int:pk>/",
        views.point_of_sale_edit,
        name="point_of_sale_edit",
    ),
    path("emails/", views.email_list, name="email_list"),
    path("emails/<int:pk>/", views.email_detail, name="email_detail"),
    path("emails/<int:pk>/renvoyer/", views.email_retry, name="email_retry"),
]
