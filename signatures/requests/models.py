"""Signature requests, their documents, their audit trail and their SMS codes (S-1 … S-6).

A request groups one or more PDF documents for one signer (the customer, or the legal
representative of a company). Its status is a protected FSM field; the services of
``signatures.requests.services`` lock the row, check the transition, call it, save,
append a ``SignatureEvent`` (hash-chained) and send ``signature_status_changed``.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, FSMModelMixin, transition

from signatures.requests import rights


class AnnexKind(models.TextChoices):
    """Annexes that the settings may add to an order form's request (S-1)."""

    TRADEIN_ESTIMATE = "estimation_reprise", _("Estimation de reprise")
    COUNTER_EXPERTISE = "contre_expertise", _("Contre-expertise")
    TRADEIN_ADMIN = "documents_reprise", _("Documents administratifs de reprise")


class SignatureSettings(models.Model):
    """Group-wide settings of the e-signature (Paramètres › Opportunités › Parcours de
    vente digitalisé), one row. Applied to order forms, trade-in offers and delivery
    reports (S-3)."""

    expiry_days = models.PositiveIntegerField(
        _("délai d'expiration (jours)"),
        default=7,
        validators=[MinValueValidator(1), MaxValueValidator(90)],
        help_text=_(
            "Au-delà, le lien de signature expire (raccourci par les opérations "
            "promotionnelles pour un bon de commande)."
        ),
    )
    reminder_after_days = models.PositiveIntegerField(
        _("première relance après (jours)"),
        default=2,
        validators=[MinValueValidator(1), MaxValueValidator(90)],
    )
    reminder_every_days = models.PositiveIntegerField(
        _("puis relance tous les (jours)"),
        default=2,
        validators=[MinValueValidator(1), MaxValueValidator(90)],
    )
    reminder_max = models.PositiveIntegerField(
        _("nombre maximal de relances"),
        default=2,
        validators=[MinValueValidator(0), MaxValueValidator(10)],
    )
    annexes = models.JSONField(
        _("annexes jointes au bon de commande"),
        default=list,
        blank=True,
        help_text=_(
            "Parmi : estimation de reprise, contre-expertise, documents administratifs de reprise."
        ),
    )
    updated_at = models.DateTimeField(null=True, blank=True, editable=False)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )

    class Meta:
        verbose_name = _("paramètres de la e-signature")

    def __str__(self) -> str:
        return str(_("Paramètres de la e-signature"))

    @classmethod
    def current(cls) -> "SignatureSettings":
        obj, _created = cls.objects.get_or_create(pk=1)
        return obj


class SignatureRequest(ConcurrentTransitionMixin, FSMModelMixin, models.Model):
    class Status(models.TextChoices):
        PENDING = "en_attente", _("En attente")
        SIGNED = "signe", _("Signé")
        REFUSED = "refuse", _("Refusé")
        EXPIRED = "expire", _("Expiré")
        ERROR = "en_erreur", _("En erreur")
        DELETED = "supprime", _("Supprimé")

    class Purpose(models.TextChoices):
        ORDER = "commande", _("Bon de commande")
        TRADEIN_OFFER = "offre_reprise", _("Offre de reprise")
        DELIVERY = "livraison", _("Procès-verbal de livraison")

    S = Status
    # Statuses in which the customer may still sign (en erreur: the link or a code could
    # not be sent; a link already received still works).
    OPEN = [S.PENDING, S.ERROR]
    FINAL = [S.SIGNED, S.REFUSED, S.EXPIRED, S.DELETED]

    purpose = models.CharField(_("objet"), max_length=16, choices=Purpose.choices)
    # What is signed: nullable links, the one(s) matching ``purpose`` are set.
    order = models.ForeignKey(
        "opportunities.Order",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="signature_requests",
    )
    offer = models.ForeignKey(
        "opportunities.Offer",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="signature_requests",
    )
    trade_in = models.ForeignKey(
        "opportunities.TradeIn",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="signature_requests",
    )
    customer = models.ForeignKey(
        "opportunities.Customer",
        verbose_name=_("client"),
        on_delete=models.PROTECT,
        related_name="signature_requests",
    )
    point_of_sale = models.ForeignKey(
        "accounts.PointOfSale", on_delete=models.PROTECT, related_name="signature_requests"
    )
    salesperson = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("vendeur"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # The signer: the customer, or the legal representative of a company (copied).
    signer_name = models.CharField(_("signataire"), max_length=200)
    signer_company = models.CharField(_("société représentée"), max_length=200, blank=True)
    email = models.EmailField(_("email du signataire"))
    mobile = models.CharField(_("mobile du signataire"), max_length=20)
    status = FSMField(
        _("statut"), max_length=12, choices=Status.choices, default=Status.PENDING, protected=True
    )
    link_nonce = models.CharField(max_length=64, blank=True, editable=False)
    created_at = models.DateTimeField(_("créée le"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    sent_at = models.DateTimeField(_("envoyée le"), null=True, blank=True)
    expires_at = models.DateTimeField(_("expire le"))
    next_reminder_at = models.DateTimeField(_("prochaine relance"), null=True, blank=True)
    reminders_sent = models.PositiveSmallIntegerField(_("relances envoyées"), default=0)
    decided_at = models.DateTimeField(_("décidée le"), null=True, blank=True)
    refusal_reason = models.CharField(_("motif du refus"), max_length=500, blank=True)
    error = models.CharField(_("erreur"), max_length=500, blank=True)
    # The last email carrying the link: its failure (outbox) puts the request en erreur.
    last_email_id = models.PositiveBigIntegerField(null=True, blank=True, editable=False)
    # Head of the audit trail's hash chain (S-6): a deleted last event is detected too.
    events_head = models.CharField(max_length=64, blank=True, editable=False)
    events_count = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("demande de signature")
        verbose_name_plural = _("demandes de signature")
        indexes = [
            models.Index(fields=["status", "-created_at"], name="sigreq_status_created"),
            models.Index(fields=["point_of_sale", "status"], name="sigreq_pos_status"),
            models.Index(
                fields=["expires_at"],
                condition=Q(status__in=["en_attente", "en_erreur"]),
                name="sigreq_open_expiry",
            ),
            models.Index(
                fields=["next_reminder_at"],
                condition=Q(status="en_attente"),
                name="sigreq_reminder_due",
            ),
            models.Index(fields=["order", "status"], name="sigreq_order"),
            models.Index(fields=["offer", "status"], name="sigreq_offer"),
        ]

    def __str__(self) -> str:
        return f"Demande de signature n° {self.pk}"

    # The customer's steps (the signed link is the right) -------------------------------
    @transition(field=status, source=OPEN, target=S.SIGNED)
    def sign(self) -> None:
        pass

    @transition(field=status, source=OPEN, target=S.REFUSED)
    def refuse(self) -> None:
        pass

    # The system's steps ------------------------------------------------------------------
    @transition(field=status, source=OPEN, target=S.EXPIRED)
    def expire(self) -> None:
        pass

    @transition(field=status, source=S.PENDING, target=S.ERROR)
    def fail(self) -> None:
        pass

    # Staff steps -------------------------------------------------------------------------
    @transition(
        field=status,
        source=OPEN,
        target=S.PENDING,
        permission=rights.request_may_act,
        custom={"action": "resend", "label": _("Renvoyer le lien"), "tone": "primary"},
    )
    def resend(self) -> None:
        pass

    # The signed document is no longer needed (its order cancelled, its offer changed).
    @transition(
        field=status,
        source=OPEN,
        target=S.DELETED,
        permission=rights.request_may_act,
        custom={"action": "delete", "label": _("Supprimer la demande"), "tone": "danger"},
    )
    def delete_request(self) -> None:
        pass

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN

    @property
    def is_signed(self) -> bool:
        return self.status == self.S.SIGNED

    def is_past_expiry(self, now=None) -> bool:
        return (now or timezone.now()) >= self.expires_at


class SignatureDocument(models.Model):
    class Kind(models.TextChoices):
        ORDER_FORM = "bon_commande", _("Bon de commande")
        TRADEIN_ESTIMATE = "estimation_reprise", _("Estimation de reprise")
        TRADEIN_OFFER = "offre_reprise", _("Offre de reprise")
        DELIVERY_REPORT = "pv_livraison", _("Procès-verbal de livraison")
        ANNEX = "annexe", _("Annexe")

    request = models.ForeignKey(
        SignatureRequest, on_delete=models.CASCADE, related_name="documents"
    )
    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices)
    title = models.CharField(_("titre"), max_length=200)
    position = models.PositiveSmallIntegerField(default=0)
    original_pdf = models.BinaryField(editable=False)
    original_sha256 = models.CharField(_("empreinte SHA-256 avant scellement"), max_length=64)
    signed_pdf = models.BinaryField(null=True, blank=True, editable=False)
    signed_sha256 = models.CharField(max_length=64, blank=True)
    signed_at = models.DateTimeField(_("signé le"), null=True, blank=True)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("document à signer")
        indexes = [models.Index(fields=["signed_sha256"], name="sigdoc_signed_sha")]

    def __str__(self) -> str:
        return self.title

    @property
    def is_signed(self) -> bool:
        return bool(self.signed_sha256)

    @property
    def filename(self) -> str:
        suffix = "-signe" if self.is_signed else ""
        return f"{self.kind}-{self.request_id}-{self.pk}{suffix}.pdf"


class SignatureEvent(models.Model):
    """The audit trail of a request (append-only, S-6, X-5).

    Each event carries the hash of the previous one (``previous_hash``) and its own
    (``hash``, over its content and ``previous_hash``): changing or deleting an event
    breaks the chain (``signatures.requests.audit.audit_chain_problems``).
    """

    class Kind(models.TextChoices):
        CREATED = "created", _("Demande créée")
        EMAIL_SENT = "email", _("Lien envoyé par email")
        EMAIL_FAILED = "email_failed", _("Email non envoyé")
        REMINDER = "reminder", _("Relance envoyée")
        RESENT = "resent", _("Lien renvoyé")
        CONTACT_CHANGED = "contact", _("Email ou mobile corrigé")
        OPENED = "opened", _("Lien ouvert")
        CODE_SENT = "code_sent", _("Code envoyé par SMS")
        CODE_REFUSED = "code_refused", _("Demande de code refusée")
        SMS_FAILED = "sms_failed", _("SMS non envoyé")
        CODE_FAILED = "code_failed", _("Code erroné")
        CODE_CHECKED = "code_checked", _("Code vérifié")
        STATUS = "status", _("Statut")

    request = models.ForeignKey(SignatureRequest, on_delete=models.PROTECT, related_name="events")
    seq = models.PositiveIntegerField()
    kind = models.CharField(max_length=16, choices=Kind.choices)
    at = models.DateTimeField(default=timezone.now)
    message = models.CharField(max_length=500)
    from_status = models.CharField(max_length=12, blank=True)
    to_status = models.CharField(max_length=12, blank=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=400, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    data = models.JSONField(default=dict, blank=True)
    previous_hash = models.CharField(max_length=64, blank=True)
    hash = models.CharField(max_length=64)

    class Meta:
        ordering = ["request", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["request", "seq"], name="sigevent_request_seq")
        ]

    def __str__(self) -> str:
        return self.message


class SmsCode(models.Model):
    """A 6-digit code sent by SMS (S-1): only its keyed hash is kept; single use, 10 minutes,
    at most 5 checks; a newer code supersedes it."""

    request = models.ForeignKey(SignatureRequest, on_delete=models.CASCADE, related_name="codes")
    code_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    used_at = models.DateTimeField(null=True, blank=True)
    superseded = models.BooleanField(default=False)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["request", "-created_at"], name="smscode_recent")]

    def __str__(self) -> str:
        return f"Code n° {self.pk}"
