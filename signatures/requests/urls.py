from django.urls import path

from signatures.requests import views

urlpatterns = [
    # The customer's link (public, X-3).
    path("e-signature/<str:token>/", views.sign, name="sign"),
    path("e-signature/<str:token>/code/", views.sign_code, name="sign_code"),
    path("e-signature/<str:token>/signer/", views.sign_confirm, name="sign_confirm"),
    path("e-signature/<str:token>/refuser/", views.sign_refuse, name="sign_refuse"),
    path(
        "e-signature/<str:token>/documents/<int:pk>/",
        views.sign_document,
        name="sign_document",
    ),
    # Staff
    path("signatures/demandes/<int:pk>/", views.request_detail, name="request_detail"),
    path(
        "signatures/documents/<int:pk>/telecharger/",
        views.document_download,
        name="document_download",
    ),
    path("parametres/e-signature/", views.settings_edit, name="settings"),
]
