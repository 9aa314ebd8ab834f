from django.urls import path

from . import views

urlpatterns = [
    path("clients/", views.customer_list, name="customers"),
    path("clients/nouveau/", views.customer_create, name="customer_create"),
    path("clients/<int:pk>/", views.customer_detail, name="customer_detail"),
    path("clients/<int:pk>/modifier/", views.customer_edit, name="customer_edit"),
    path(
        "clients/<int:pk>/representant/",
        views.customer_representative,
        name="customer_representative",
    ),
]
