"""In-app notifications and the record of every email sent (ORG-6)."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, FSMModelMixin, transition


class Notification(models.Model):
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(_("type"), max_length=64)
    title = models.CharField(_("titre"), max_length=200)
    body = models.TextField(_("message"), blank=True)
    url = models.CharField(_("lien"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("créée le"), default=timezone.now)
    read_at = models.DateTimeField(_("lue le"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["recipient", "-created_at"], name="notif_recipient_recent"),
            models.Index(
                fields=["recipient"],
                condition=models.Q(read_at__isnull=True),
                name="notif_recipient_unread",
            ),
        ]
        verbose_name = _("notification")

    def __str__(self) -> str:
        return self.title


# What each kind of email is, as Paramètres › Emails envoyés names it (#13): one mapping
# for every app that sends (``email_send(kind=…)``); an unknown kind shows as stored.
EMAIL_KINDS = {
    "payment_request": _("Paiement de l'acompte (lien de e-paiement)"),
    "payment_confirmation": _("Confirmation de e-paiement"),
    "account_invitation": _("Invitation à OpenFlex"),
    "profile_changed": _("Profil modifié"),
    "email_change_code": _("Code de changement d'email"),
    "email_change_warning": _("Alerte de changement d'email"),
    "password_changed": _("Mot de passe modifié"),
    "password_reset": _("Réinitialisation du mot de passe"),
    "late_vehicles_digest": _("Récapitulatif des véhicules en retard"),
    "late_vehicles_list": _("Liste des véhicules en retard"),
    "order_decided": _("Décision sur une commande"),
    "opportunity_follow_up": _("Relance d'un client"),
    "reservation_48h": _("Véhicule réservé arrivé"),
    "tradein_request": _("Demande d'estimation de reprise"),
    "tradein_decision": _("Décision sur une reprise"),
    "lead_reminder": _("Rappel avant entrée en souffrance d'un lead"),
    "signature_request": _("Demande de signature électronique"),
    "signature_reminder": _("Relance de signature électronique"),
    "ereservation_dealer": _("e-Réservation d'un véhicule par un internaute"),
}


class OutboundEmail(FSMModelMixin, models.Model):
    """One email the product sent or will send: rendered once, delivered by a task."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("En file d'attente")
        SENDING = "sending", _("En cours d'envoi")
        SENT = "sent", _("Envoyé")
        FAILED = "failed", _("En erreur")

    to = models.EmailField(_("destinataire"))
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    kind = models.CharField(_("type"), max_length=64)
    subject = models.CharField(_("objet"), max_length=255)
    body_text = models.TextField()
    body_html = models.TextField()
    attachments = models.JSONField(
        default=list, blank=True, help_text="[{filename, path, mimetype}] under MEDIA_ROOT"
    )
    confidential = models.BooleanField(
        _("confidentiel"),
        default=False,
        help_text=_("Contient un lien ou un code personnel : contenu masqué dans les écrans."),
    )
    status = FSMField(_("statut"), default=Status.QUEUED, choices=Status.choices, protected=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    error = models.TextField(blank=True)
    # Set before the first SMTP exchange and kept: a resend after a crash inside the
    # exchange carries the same Message-ID, so that mail systems can tell the copies.
    message_id = models.CharField(_("Message-ID"), max_length=255, blank=True)
    created_at = models.DateTimeField(_("créé le"), default=timezone.now)
    sent_at = models.DateTimeField(_("envoyé le"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["-created_at"], name="email_recent"),
            models.Index(fields=["status", "created_at"], name="email_status_created"),
            models.Index(fields=["kind", "-created_at"], name="email_kind_recent"),
        ]
        verbose_name = _("email envoyé")
        verbose_name_plural = _("emails envoyés")

    def __str__(self) -> str:
        return f"{self.subject} → {self.to}"

    @property
    def kind_label(self) -> str:
        return str(EMAIL_KINDS.get(self.kind, self.kind))

    # "sending" again: the previous exchange crashed or failed; the record says so.
    @transition(field=status, source=[Status.QUEUED, Status.SENDING], target=Status.SENDING)
    def mark_sending(self) -> None:
        pass

    @transition(field=status, source=Status.SENDING, target=Status.SENT)
    def mark_sent(self) -> None:
        pass

    # The exchange ended with an error (refused, timed out): waiting for the next attempt.
    @transition(field=status, source=Status.SENDING, target=Status.QUEUED)
    def mark_retry(self) -> None:
        pass

    @transition(field=status, source=[Status.QUEUED, Status.SENDING], target=Status.FAILED)
    def mark_failed(self) -> None:
        pass

    @transition(field=status, source=Status.FAILED, target=Status.QUEUED)
    def requeue(self) -> None:
        pass
