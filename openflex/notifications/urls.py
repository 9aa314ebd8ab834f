from django.urls import path

from . import views

app_name = "notifications"
urlpatterns = [
    path("", views.notification_list, name="list"),
    path("cloche/", views.bell, name="bell"),
    path("<int:pk>/ouvrir/", views.notification_open, name="open"),
    path("tout-lire/", views.notification_mark_all_read, name="mark_all_read"),
]
