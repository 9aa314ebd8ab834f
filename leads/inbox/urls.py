"""URLs of the leads' inbox (included by leads/urls.py, namespace ``leads``)."""

from django.urls import path

from leads.inbox import views

urlpatterns = [
    path("leads/", views.task_list, name="index"),
    path("leads/nouvelle/", views.task_create, name="task_create"),
    path("leads/<int:pk>/", views.task_detail, name="task_detail"),
    path("leads/<int:pk>/convertir/", views.task_convert, name="task_convert"),
    path("leads/<int:pk>/<slug:action>/", views.task_action, name="task_action"),
    path("parametres/leads/", views.settings_index, name="settings"),
    path("parametres/leads/etiquettes-et-statuts/", views.reference_lists,
         name="reference_lists"),
    path("parametres/leads/points-de-vente/<int:pk>/", views.settings_point_of_sale,
         name="settings_pos"),
]  # fmt: skip
