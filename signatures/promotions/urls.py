from django.urls import path

from signatures.promotions import views

urlpatterns = [
    path("parametres/operations-promotionnelles/", views.promotion_list, name="promotions"),
    path(
        "parametres/operations-promotionnelles/nouvelle/",
        views.promotion_create,
        name="promotion_create",
    ),
    path(
        "parametres/operations-promotionnelles/<int:pk>/",
        views.promotion_edit,
        name="promotion_edit",
    ),
]
