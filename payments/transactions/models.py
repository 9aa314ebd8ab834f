"""E-payments (P-1 … P-6): the per-point-of-sale provider configuration, the payments and
their append-only event log.

A payment's status is a protected FSM field: the graph is declared here; every change goes
through ``payments.transactions.services`` (lock → check → transition → save → event →
signal ``payments.signals.payment_status_changed`` → effects through the outbox).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, FSMModelMixin, transition

from openflex.core.crypto import EncryptedTextField, secret_hint
from payments.transactions import rights


class Provider(models.TextChoices):
    SANDBOX = "sandbox", _("Bac à sable OpenFlex (tests)")
    INGENICO = "ingenico", _("Ingenico / Worldline e-Commerce")


class HashAlgorithm(models.TextChoices):
    SHA256 = "sha256", "SHA-256"
    SHA512 = "sha512", "SHA-512"


class ProviderMode(models.TextChoices):
    TEST = "test", _("Test")
    PRODUCTION = "production", _("Production")


class PaymentConfiguration(models.Model):
    """The e-payment option of one point of sale (P-1). Without it, no e-payment there.

    The passphrases are stored encrypted (``EncryptedTextField``) and never shown back in
    full: the screen says "configurée le …, se termine par …" (``*_hint``)."""

    point_of_sale = models.OneToOneField(
        "accounts.PointOfSale",
        verbose_name=_("point de vente"),
        on_delete=models.CASCADE,
        related_name="payment_configuration",
    )
    provider = models.CharField(
        _("prestataire"), max_length=12, choices=Provider.choices, default=Provider.INGENICO
    )
    pspid = models.CharField(_("identifiant marchand (PSPID)"), max_length=60)
    sha_in = EncryptedTextField(_("clé de cryptage SHA-IN"))
    sha_out = EncryptedTextField(_("clé de cryptage SHA-OUT"))
    hash_algorithm = models.CharField(
        _("algorithme de hachage"),
        max_length=6,
        choices=HashAlgorithm.choices,
        default=HashAlgorithm.SHA256,
    )
    mode = models.CharField(
        _("mode"), max_length=10, choices=ProviderMode.choices, default=ProviderMode.TEST
    )
    # Optional API user of the provider (DirectLink): status queries and refunds.
    api_user = models.CharField(_("utilisateur API (optionnel)"), max_length=60, blank=True)
    api_password = EncryptedTextField(_("mot de passe de l'utilisateur API"), blank=True)
    configured_at = models.DateTimeField(_("configurée le"), default=timezone.now)
    configured_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("configurée par"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("configuration du e-paiement")

    def __str__(self) -> str:
        return f"{self.get_provider_display()} — {self.pspid}"

    @property
    def sha_in_hint(self) -> str:
        return secret_hint(self.sha_in)

    @property
    def sha_out_hint(self) -> str:
        return secret_hint(self.sha_out)

    @property
    def api_password_hint(self) -> str:
        return secret_hint(self.api_password)

    @property
    def refunds_through_provider(self) -> bool:
        """The provider's API can refund (the sandbox always; Ingenico with an API user)."""
        return self.provider == Provider.SANDBOX or bool(self.api_user and self.api_password)


class Payment(ConcurrentTransitionMixin, FSMModelMixin, models.Model):
    """One attempt at an online payment: an order deposit or an e-reservation (P-2, P-3)."""

    class Kind(models.TextChoices):
        DEPOSIT = "acompte", _("e-Acompte")
        RESERVATION = "reservation", _("e-Réservation")

    # The digit of the kind in the reference (P-3).
    KIND_DIGIT = {Kind.DEPOSIT: 2, Kind.RESERVATION: 1}

    class Status(models.TextChoices):
        SENT = "envoye", _("En attente")
        AUTHORISED = "autorise", _("Autorisé")
        PAID = "paye", _("Payé")
        CANCELLED = "annule", _("Annulé")
        REFUSED = "refuse", _("Refusé")
        TO_REFUND = "a_rembourser", _("À rembourser")
        REFUNDED = "rembourse", _("Remboursé")
        ERROR = "erreur", _("Erreur")

    S = Status
    # Money is held by the dealer (the order's cancellation makes it "à rembourser").
    CAPTURED = [S.AUTHORISED, S.PAID]
    # Waiting for the customer: the link works, the provider may still answer.
    PENDING = [S.SENT]
    # After these, "Effectuer un nouveau paiement" (a new attempt) is offered (P-6).
    RETRYABLE = [S.CANCELLED, S.REFUSED, S.ERROR]
    # Not final for the provider: a later callback may still authorise or pay.
    OPEN_TO_PROVIDER = [S.SENT, S.CANCELLED, S.REFUSED, S.ERROR]

    kind = models.CharField(_("type"), max_length=12, choices=Kind.choices)
    order = models.ForeignKey(
        "opportunities.Order",
        verbose_name=_("commande"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="payments",
    )
    vehicle = models.ForeignKey(
        "vehicles.Vehicle",
        verbose_name=_("véhicule"),
        on_delete=models.PROTECT,
        related_name="payments",
    )
    customer = models.ForeignKey(
        "opportunities.Customer",
        verbose_name=_("client"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="payments",
    )
    # Contact snapshot (also the only contact of an e-reservation, which has no customer).
    civility = models.CharField(_("civilité"), max_length=4, blank=True)
    first_name = models.CharField(_("prénom"), max_length=80, blank=True)
    last_name = models.CharField(_("nom"), max_length=80, blank=True)
    email = models.EmailField(_("email"))
    mobile = models.CharField(_("mobile"), max_length=20, blank=True)
    point_of_sale = models.ForeignKey(
        "accounts.PointOfSale",
        verbose_name=_("point de vente"),
        on_delete=models.PROTECT,
        related_name="payments",
    )
    entity = models.ForeignKey(
        "accounts.Entity",
        verbose_name=_("entité"),
        on_delete=models.PROTECT,
        related_name="payments",
    )
    # Who follows it (the order's salesperson); None for an e-reservation.
    salesperson = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("vendeur"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="followed_payments",
    )
    amount = models.DecimalField(_("montant TTC"), max_digits=12, decimal_places=2)
    currency = models.CharField(_("devise"), max_length=3, default="EUR")
    provider = models.CharField(_("prestataire"), max_length=12, choices=Provider.choices)
    document_number = models.PositiveIntegerField(_("n° de document"))
    attempt = models.PositiveSmallIntegerField(_("tentative"), default=1)
    reference = models.CharField(_("référence"), max_length=40, unique=True)
    status = FSMField(
        _("statut"), max_length=12, choices=Status.choices, default=Status.SENT, protected=True
    )
    link_nonce = models.CharField(max_length=40, blank=True, editable=False)
    link_sent_at = models.DateTimeField(_("lien envoyé le"), null=True, blank=True)
    provider_payment_id = models.CharField(
        _("n° de transaction (PAYID)"), max_length=40, blank=True
    )
    provider_status = models.CharField(_("statut prestataire"), max_length=8, blank=True)
    status_changed_at = models.DateTimeField(_("statut depuis"), default=timezone.now)
    paid_at = models.DateTimeField(_("payé le"), null=True, blank=True)
    to_refund_since = models.DateTimeField(_("à rembourser depuis le"), null=True, blank=True)
    refunded_at = models.DateTimeField(_("remboursé le"), null=True, blank=True)
    refunded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("remboursé par"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    reconciled_at = models.DateTimeField(
        _("dernière interrogation du prestataire"), null=True, blank=True
    )
    created_at = models.DateTimeField(_("créé le"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("créé par"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("e-paiement")
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "document_number", "attempt", "point_of_sale"],
                name="payment_document_attempt",
            ),
            models.CheckConstraint(condition=Q(amount__gt=0), name="payment_amount_positive"),
        ]
        indexes = [
            models.Index(fields=["status", "-created_at"], name="payment_status_created"),
            models.Index(fields=["-created_at", "-id"], name="payment_recent"),
            models.Index(fields=["kind", "-created_at", "-id"], name="payment_kind_recent"),
            models.Index(fields=["created_at", "id"], name="payment_oldest"),
            models.Index(
                fields=["point_of_sale", "status", "-created_at"], name="payment_pos_status"
            ),
            models.Index(
                fields=["salesperson", "status", "-created_at"], name="payment_salesperson"
            ),
            models.Index(fields=["order", "-created_at"], name="payment_order"),
            models.Index(fields=["vehicle", "-created_at"], name="payment_vehicle"),
            models.Index(
                fields=["link_sent_at"], condition=Q(status="envoye"), name="payment_pending_sent"
            ),
        ]

    def __str__(self) -> str:
        return self.reference

    # --- transitions ----------------------------------------------------------------
    # Provider outcomes (callbacks, returns, reconciliation): no ``permission``, the
    # signature is the check. A refusal or a cancellation by the customer is not final
    # for the provider (the customer may try again on the hosted page with the same
    # ORDERID), hence OPEN_TO_PROVIDER as the source of authorise/pay.
    @transition(field=status, source=OPEN_TO_PROVIDER, target=S.AUTHORISED)
    def authorise(self) -> None:
        pass

    @transition(field=status, source=[*OPEN_TO_PROVIDER, S.AUTHORISED], target=S.PAID)
    def pay(self) -> None:
        pass

    @transition(field=status, source=[S.SENT, S.ERROR, S.REFUSED], target=S.CANCELLED)
    def cancel(self) -> None:
        pass

    @transition(field=status, source=[S.SENT, S.ERROR, S.CANCELLED], target=S.REFUSED)
    def refuse(self) -> None:
        pass

    @transition(field=status, source=S.SENT, target=S.ERROR)
    def fail(self) -> None:
        pass

    # The order was cancelled (or the e-reservation could not be honoured) while the money
    # is held: the dealer owes it back (P-5).
    @transition(field=status, source=CAPTURED, target=S.TO_REFUND)
    def require_refund(self) -> None:
        pass

    @transition(
        field=status,
        source=S.TO_REFUND,
        target=S.REFUNDED,
        permission=rights.payment_may_mark_refunded,
        custom={"action": "refunded", "label": _("Marquer comme remboursé"), "tone": "primary"},
    )
    def mark_refunded(self) -> None:
        pass

    # The provider reports a refund (STATUS 8), whoever made it.
    @transition(field=status, source=[*CAPTURED, S.TO_REFUND], target=S.REFUNDED)
    def refund(self) -> None:
        pass

    # Actions that keep the status (target None): declared so that their buttons follow
    # the same rules as the transitions (the order page asks ``get_available_user_…``).
    @transition(
        field=status,
        source=S.SENT,
        target=None,
        permission=rights.payment_may_follow,
        custom={
            "action": "resend",
            "label": _("Renvoyer le lien de e-paiement"),
            "tone": "secondary",
        },
    )
    def resend(self) -> None:
        pass

    @transition(
        field=status,
        source=RETRYABLE,
        target=None,
        conditions=[lambda payment: payment.is_latest_attempt],
        permission=rights.payment_may_follow,
        custom={"action": "retry", "label": _("Effectuer un nouveau paiement"), "tone": "primary"},
    )
    def retry(self) -> None:
        pass

    # --- what pages ask -------------------------------------------------------------
    STATUS_LABELS = {
        S.SENT: _("e-Paiement en attente"),
        S.AUTHORISED: _("e-Paiement autorisé"),
        S.PAID: _("e-Paiement payé"),
        S.CANCELLED: _("e-Paiement annulé"),
        S.REFUSED: _("e-Paiement refusé"),
        S.TO_REFUND: _("e-Paiement à rembourser"),
        S.REFUNDED: _("e-Paiement remboursé"),
        S.ERROR: _("e-Paiement en erreur"),
    }
    STATUS_TONES = {
        S.SENT: "warning",
        S.AUTHORISED: "ok",
        S.PAID: "ok",
        S.CANCELLED: "muted",
        S.REFUSED: "danger",
        S.TO_REFUND: "danger",
        S.REFUNDED: "muted",
        S.ERROR: "danger",
    }

    @property
    def status_label(self) -> str:
        """ "e-Paiement en attente", "e-Paiement payé" … (P-6)."""
        return str(self.STATUS_LABELS.get(self.status, self.get_status_display()))

    @property
    def status_tone(self) -> str:
        """The badge of the status: ``badge-<tone>`` (ok, warning, danger, muted)."""
        return self.STATUS_TONES.get(self.status, "muted")

    @property
    def is_latest_attempt(self) -> bool:
        """Set by the selectors (``latest_attempt`` annotation); a lone payment is."""
        return getattr(self, "latest_attempt", self.attempt) == self.attempt

    @property
    def is_pending(self) -> bool:
        return self.status in self.PENDING

    @property
    def is_final_for_link(self) -> bool:
        """The customer's link no longer leads to the payment page."""
        return self.status not in self.PENDING

    @property
    def contact_name(self) -> str:
        return " ".join(p for p in (self.civility, self.last_name.upper(), self.first_name) if p)

    @property
    def amount_cents(self) -> int:
        return int((self.amount * 100).to_integral_value())


class PaymentEvent(models.Model):
    """The payment's log (append-only): every status change, link, callback and return,
    kept raw (parameters, signature result, time, source address)."""

    class Kind(models.TextChoices):
        CREATED = "created", _("Création")
        LINK = "link", _("Lien envoyé")
        STATUS = "status", _("Statut")
        CALLBACK = "callback", _("Notification du prestataire")
        RETURN = "return", _("Retour du client")
        RECONCILIATION = "reconciliation", _("Interrogation du prestataire")
        REFUND = "refund", _("Remboursement par le prestataire")
        REJECTED = "rejected", _("Message rejeté")
        EMAIL = "email", _("Email")

    payment = models.ForeignKey(Payment, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    from_status = models.CharField(max_length=12, blank=True)
    to_status = models.CharField(max_length=12, blank=True)
    message = models.CharField(max_length=500)
    data = models.JSONField(default=dict, blank=True)
    source_ip = models.GenericIPAddressField(null=True, blank=True)
    # "PAYID:STATUS" of a provider message that was applied: the same message again (a
    # replay, a retry of the provider) finds it and changes nothing.
    provider_key = models.CharField(max_length=60, blank=True)
    at = models.DateTimeField(default=timezone.now)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [
            models.Index(fields=["payment", "-at"], name="payment_event_recent"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["payment", "provider_key"],
                condition=~Q(provider_key=""),
                name="payment_event_provider_key",
            )
        ]

    def __str__(self) -> str:
        return self.message
