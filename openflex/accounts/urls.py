from django.contrib.auth import views as auth_views
from django.urls import path

from . import views

app_name = "accounts"
urlpatterns = [
    path("connexion/", views.LoginView.as_view(), name="login"),
    path("deconnexion/", auth_views.LogoutView.as_view(), name="logout"),
    path("mot-de-passe-oublie/", views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "mot-de-passe-oublie/envoye/",
        auth_views.PasswordResetDoneView.as_view(template_name="accounts/password_reset_done.html"),
        name="password_reset_done",
    ),
    path(
        "reinitialiser/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "reinitialiser/termine/",
        auth_views.PasswordResetCompleteView.as_view(
            template_name="accounts/password_reset_complete.html"
        ),
        name="password_reset_complete",
    ),
    path("profil/", views.profile, name="profile"),
    path("parametres/comptes/", views.user_list, name="user_list"),
    path("parametres/comptes/nouveau/", views.user_create, name="user_create"),
    path("parametres/comptes/<int:pk>/", views.user_edit, name="user_edit"),
    path("parametres/comptes/<int:pk>/activation/", views.user_set_active, name="user_set_active"),
    path("parametres/comptes/<int:pk>/supprimer/", views.user_delete, name="user_delete"),
    path("parametres/groupes/", views.group_list, name="group_list"),
    path("parametres/groupes/nouveau/", views.group_edit, name="group_create"),
    path("parametres/groupes/<int:pk>/", views.group_edit, name="group_edit"),
]
