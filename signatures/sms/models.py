"""Every SMS the product sends (S-7): recorded, then delivered by the outbox."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, FSMModelMixin, transition

SMS_KINDS = {
    "signature_code": _("Code de signature"),
}


class SmsMessage(FSMModelMixin, models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", _("En file d'attente")
        SENDING = "sending", _("En cours d'envoi")
        SENT = "sent", _("Envoyé")
        FAILED = "failed", _("En erreur")

    to = models.CharField(_("destinataire"), max_length=20)
    kind = models.CharField(_("type"), max_length=40)
    body = models.TextField(_("message"))
    confidential = models.BooleanField(_("confidentiel"), default=False)
    status = FSMField(_("statut"), default=Status.QUEUED, choices=Status.choices, protected=True)
    backend = models.CharField(_("fournisseur"), max_length=40, blank=True)
    provider_id = models.CharField(_("identifiant chez le fournisseur"), max_length=100, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    error = models.TextField(blank=True)
    # What the SMS is about (e.g. "signature_request:12"), for the failure hook.
    reference = models.CharField(max_length=80, blank=True)
    created_at = models.DateTimeField(_("créé le"), default=timezone.now)
    sent_at = models.DateTimeField(_("envoyé le"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("SMS envoyé")
        verbose_name_plural = _("SMS envoyés")
        indexes = [
            models.Index(fields=["-created_at", "-id"], name="sms_recent"),
            models.Index(fields=["status", "created_at"], name="sms_status_created"),
            models.Index(fields=["reference"], name="sms_reference"),
        ]

    def __str__(self) -> str:
        return f"SMS → {self.to}"

    @property
    def kind_label(self) -> str:
        return str(SMS_KINDS.get(self.kind, self.kind))

    @transition(field=status, source=[Status.QUEUED, Status.SENDING], target=Status.SENDING)
    def mark_sending(self) -> None:
        pass

    @transition(field=status, source=Status.SENDING, target=Status.SENT)
    def mark_sent(self) -> None:
        pass

    @transition(field=status, source=Status.SENDING, target=Status.QUEUED)
    def mark_retry(self) -> None:
        pass

    @transition(field=status, source=[Status.QUEUED, Status.SENDING], target=Status.FAILED)
    def mark_failed(self) -> None:
        pass
