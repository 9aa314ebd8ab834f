"""The entities' sealing certificates (S-6): a PKCS#12 per entity, encrypted at rest."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from openflex.core.crypto import EncryptedTextField


class SigningCertificate(models.Model):
    """The certificate (and its private key) that seals the entity's signed documents.

    The PKCS#12 file is stored encrypted (``secret_encrypt_bytes``), its password through
    ``EncryptedTextField``; screens show the subject, the validity and the fingerprint,
    never the file or the password.
    """

    entity = models.OneToOneField(
        "accounts.Entity",
        verbose_name=_("entité"),
        on_delete=models.CASCADE,
        related_name="signing_certificate",
    )
    pkcs12_encrypted = models.BinaryField(editable=False)
    password = EncryptedTextField(blank=True, editable=False)
    subject = models.CharField(_("titulaire"), max_length=300)
    issuer = models.CharField(_("émetteur"), max_length=300)
    not_before = models.DateTimeField(_("valide du"))
    not_after = models.DateTimeField(_("valide jusqu'au"))
    fingerprint = models.CharField(_("empreinte SHA-256"), max_length=64)
    certificate_pem = models.TextField(editable=False)
    self_signed = models.BooleanField(_("auto-signé"), default=False)
    uploaded_at = models.DateTimeField(_("installé le"), default=timezone.now)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("certificat de scellement")

    def __str__(self) -> str:
        return self.subject
