from django.urls import path

from . import views

app_name = "home"
urlpatterns = [
    path("", views.index, name="index"),
    path("accueil/tuiles/<slug:key>/", views.tile, name="tile"),
]
