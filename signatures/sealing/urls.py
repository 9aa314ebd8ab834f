from django.urls import path

from signatures.sealing import views

urlpatterns = [
    path("signatures/verifier/", views.verify, name="verify"),
    path("parametres/e-signature/certificats/", views.certificates, name="certificates"),
    path(
        "parametres/e-signature/certificats/<int:pk>/auto-signe/",
        views.certificate_generate,
        name="certificate_generate",
    ),
]
