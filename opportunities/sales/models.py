"""Opportunities, offers and orders: one aggregate (O-1, O-3 … O-7, O-9); sales settings.

Statuses are protected FSM fields: the graph is declared here, the services lock the
row, check the user, call the transition, save, write the event row.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, FSMModelMixin, transition

from opportunities.customers.models import Customer
from opportunities.fields import money_field, user_fk
from opportunities.products.models import PackElement, Product


class SalesSettings(models.Model):
    """Group-wide settings of the sales journey (one row, edited in Paramètres)."""

    neglect_days = models.PositiveIntegerField(
        _("durée moyenne de conclusion (jours)"),
        default=30,
        validators=[MinValueValidator(1), MaxValueValidator(3650)],
        help_text=_("Au-delà, une opportunité en cours est « en souffrance » (O-1)."),
    )
    inactivity_cancel_days = models.PositiveIntegerField(
        _("annulation des opportunités inactives après (jours)"),
        default=183,
        validators=[MinValueValidator(1), MaxValueValidator(3650)],
    )
    stock_entry_days = models.PositiveIntegerField(
        _("délai d'entrée en stock des reprises (jours)"),
        default=30,
        validators=[MinValueValidator(0), MaxValueValidator(365)],
    )
    preentry_reservation_enabled = models.BooleanField(
        _("réservation des VO en pré-entrée"), default=False
    )

    class Meta:
        verbose_name = _("paramètres des ventes")

    def __str__(self) -> str:
        return str(_("Paramètres des ventes"))

    @classmethod
    def current(cls) -> "SalesSettings":
        obj, _created = cls.objects.get_or_create(pk=1)
        return obj


class Opportunity(FSMModelMixin, models.Model):
    class Status(models.TextChoices):
        OPEN = "en_cours", _("En cours")
        WON = "gagnee", _("Gagnée")
        ABANDONED = "abandonnee", _("Abandonnée")

    customer = models.ForeignKey(
        Customer, verbose_name=_("client"), on_delete=models.PROTECT, related_name="opportunities"
    )
    salesperson = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("vendeur"),
        on_delete=models.PROTECT,
        related_name="opportunities",
    )
    point_of_sale = models.ForeignKey(
        "accounts.PointOfSale",
        verbose_name=_("point de vente"),
        on_delete=models.PROTECT,
        related_name="opportunities",
    )
    status = FSMField(
        _("statut"), max_length=12, choices=Status.choices, default=Status.OPEN, protected=True
    )
    title = models.CharField(_("objet"), max_length=120, blank=True)
    created_at = models.DateTimeField(_("créée le"), default=timezone.now)
    created_by = user_fk(_("créée par"))
    last_activity_at = models.DateTimeField(_("dernière activité"), default=timezone.now)
    closed_at = models.DateTimeField(_("close le"), null=True, blank=True)
    close_reason = models.CharField(_("motif"), max_length=500, blank=True)
    neglect_notified_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("opportunité")
        indexes = [
            models.Index(fields=["status", "-created_at"], name="opp_status_created"),
            models.Index(fields=["salesperson", "status", "-created_at"], name="opp_salesperson"),
            models.Index(fields=["point_of_sale", "status", "-created_at"], name="opp_pos"),
            models.Index(
                fields=["last_activity_at"],
                condition=Q(status="en_cours"),
                name="opp_open_activity",
            ),
            models.Index(fields=["-created_at", "-id"], name="opp_recent"),
            models.Index(fields=["-last_activity_at", "-id"], name="opp_activity"),
        ]

    def __str__(self) -> str:
        return f"Opportunité n° {self.pk}"

    @transition(field=status, source=Status.OPEN, target=Status.WON)
    def win(self) -> None:
        pass

    @transition(field=status, source=Status.OPEN, target=Status.ABANDONED)
    def abandon(self) -> None:
        pass

    @transition(field=status, source=[Status.WON, Status.ABANDONED], target=Status.OPEN)
    def reopen(self) -> None:
        pass


class Appointment(models.Model):
    """An appointment or a test drive (rendez-vous d'essai) of an opportunity (O-9)."""

    class Kind(models.TextChoices):
        MEETING = "rdv", _("Rendez-vous")
        TEST_DRIVE = "essai", _("Rendez-vous d'essai")

    opportunity = models.ForeignKey(
        Opportunity, on_delete=models.CASCADE, related_name="appointments"
    )
    kind = models.CharField(_("type"), max_length=8, choices=Kind.choices)
    vehicle = models.ForeignKey(
        "vehicles.Vehicle",
        verbose_name=_("véhicule"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="appointments",
    )
    starts_at = models.DateTimeField(_("date et heure"))
    note = models.CharField(_("note"), max_length=500, blank=True)
    created_by = user_fk()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["starts_at", "pk"]
        indexes = [models.Index(fields=["vehicle", "kind"], name="appointment_vehicle")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.starts_at:%d/%m/%Y %H:%M}"


class OpportunityEvent(models.Model):
    """The opportunity history (append-only)."""

    class Kind(models.TextChoices):
        CREATED = "created", _("Création")
        STATUS = "status", _("Statut")
        SALESPERSON = "salesperson", _("Vendeur")
        APPOINTMENT = "appointment", _("Rendez-vous")
        FOLLOW_UP = "follow_up", _("Relance")
        OFFER = "offer", _("Offre")
        ORDER = "order", _("Commande")
        ALERT = "alert", _("Alerte")

    opportunity = models.ForeignKey(Opportunity, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    message = models.CharField(max_length=500)
    data = models.JSONField(default=dict, blank=True)
    at = models.DateTimeField(default=timezone.now)
    by = user_fk()

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["opportunity", "-at"], name="opp_event_recent")]

    def __str__(self) -> str:
        return self.message


class Offer(FSMModelMixin, models.Model):
    class Status(models.TextChoices):
        OPEN = "en_cours", _("En cours")
        VALIDATED = "validee", _("Validée")
        CANCELLED = "annulee", _("Annulée")
        FINISHED = "terminee", _("Terminée")

    opportunity = models.ForeignKey(Opportunity, on_delete=models.PROTECT, related_name="offers")
    vehicle = models.ForeignKey(
        "vehicles.Vehicle",
        verbose_name=_("véhicule"),
        on_delete=models.PROTECT,
        related_name="offers",
    )
    status = FSMField(
        _("statut"), max_length=10, choices=Status.choices, default=Status.OPEN, protected=True
    )
    previous = models.ForeignKey(
        "self",
        verbose_name=_("version précédente"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="next_versions",
    )
    # The order that this offer is modifying ("Modifier" on an order).
    replaces_order = models.ForeignKey(
        "Order", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    vehicle_price = money_field(_("prix du véhicule TTC"))
    administrative_fees = money_field(_("frais administratifs"))
    empty_weight = models.PositiveIntegerField(
        _("poids à vide avec conducteur (kg)"), null=True, blank=True
    )
    trade_in_value = money_field(_("valeur de reprise"))
    deposit = money_field(_("acompte"))
    show_ht = models.BooleanField(_("afficher HT"), default=False)
    pack = models.ForeignKey(
        Product,
        verbose_name=_("pack livraison"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="offers_with_pack",
        limit_choices_to={"kind": "pack"},
    )
    created_at = models.DateTimeField(default=timezone.now)
    created_by = user_fk(_("créée par"))
    validated_at = models.DateTimeField(_("validée le"), null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("offre")
        indexes = [
            models.Index(fields=["vehicle", "status"], name="offer_vehicle_status"),
            models.Index(fields=["pack"], condition=Q(status="en_cours"), name="offer_open_pack"),
        ]

    def __str__(self) -> str:
        return f"Offre n° {self.pk}"

    @transition(field=status, source=Status.OPEN, target=Status.VALIDATED)
    def validate(self) -> None:
        pass

    @transition(field=status, source=[Status.OPEN, Status.VALIDATED], target=Status.CANCELLED)
    def cancel(self) -> None:
        pass

    @transition(field=status, source=Status.VALIDATED, target=Status.FINISHED)
    def finish(self) -> None:
        pass


class OfferLine(models.Model):
    """A priced line of an offer. Labels and prices are copied: the offer keeps them."""

    class Kind(models.TextChoices):
        ADVANTAGE = "remise", _("Avantage client")
        ACCESSORY = "accessoire", _("Accessoire")
        SERVICE = "prestation", _("Prestation")
        PACK = "pack", _("Pack livraison")

    offer = models.ForeignKey(Offer, on_delete=models.CASCADE, related_name="lines")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    product = models.ForeignKey(
        Product, on_delete=models.SET_NULL, null=True, blank=True, related_name="offer_lines"
    )
    pack_element = models.ForeignKey(
        PackElement, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    label = models.CharField(_("libellé"), max_length=120)
    amount = money_field(_("montant TTC"))
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]
        indexes = [models.Index(fields=["product"], name="offer_line_product")]

    def __str__(self) -> str:
        return f"{self.label}: {self.amount}"


class PaymentMethod(models.TextChoices):
    TRANSFER = "virement", _("Virement")
    CHEQUE = "cheque", _("Chèque")
    CARD = "carte", _("Carte bancaire")
    CASH = "especes", _("Espèces")
    FINANCING = "financement", _("Financement")


class Order(ConcurrentTransitionMixin, FSMModelMixin, models.Model):
    class Status(models.TextChoices):
        DRAFT = "brouillon", _("En préparation")
        PENDING_SIGNATURE = "attente_esignature", _("En attente de e-signature")
        PENDING_TRANSFER = (
            "attente_transfert",
            _("En attente d'approbation du transfert de propriété"),
        )
        PENDING_VALIDATION = "attente_validation", _("En attente de validation")
        REFUSED = "refusee", _("Refusée")
        ORDERED = "commandee", _("Commandée")
        TO_DELIVER = "a_livrer", _("À livrer")
        DELIVERED = "livree", _("Livrée")
        MODIFYING = "en_modification", _("En cours de modification")
        PENDING_CANCELLATION = "attente_annulation", _("En attente d'annulation")
        CANCELLED = "annulee", _("Annulée")
        REPLACED = "remplacee", _("Remplacée")

    class SignatureMode(models.TextChoices):
        PAPER = "papier", _("Papier")
        ELECTRONIC = "electronique", _("Signature électronique")

    S = Status
    # Statuses of a live order (validated or on its way to validation).
    ACTIVE = [
        S.PENDING_SIGNATURE,
        S.PENDING_TRANSFER,
        S.PENDING_VALIDATION,
        S.ORDERED,
        S.TO_DELIVER,
    ]
    VALIDATED = [S.ORDERED, S.TO_DELIVER, S.DELIVERED]
    CANCELLABLE = [
        S.DRAFT,
        S.PENDING_SIGNATURE,
        S.PENDING_TRANSFER,
        S.PENDING_VALIDATION,
        S.ORDERED,
        S.TO_DELIVER,
    ]
    MODIFIABLE = [S.DRAFT, S.PENDING_VALIDATION, S.ORDERED, S.TO_DELIVER]

    opportunity = models.ForeignKey(Opportunity, on_delete=models.PROTECT, related_name="orders")
    offer = models.ForeignKey(Offer, on_delete=models.PROTECT, related_name="orders")
    vehicle = models.ForeignKey(
        "vehicles.Vehicle",
        verbose_name=_("véhicule"),
        on_delete=models.PROTECT,
        related_name="orders",
    )
    point_of_sale = models.ForeignKey(
        "accounts.PointOfSale", on_delete=models.PROTECT, related_name="orders"
    )
    status = FSMField(
        _("statut"), max_length=20, choices=Status.choices, default=Status.DRAFT, protected=True
    )
    # The status to go back to when a cancellation request or a modification is withdrawn.
    status_before = models.CharField(max_length=20, blank=True, editable=False)
    replaces = models.ForeignKey(
        "self",
        verbose_name=_("remplace la commande"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="replaced_by",
    )
    # Everything sold, frozen when the order is created (O-5): customer, vehicle, lines, totals.
    snapshot = models.JSONField(default=dict, editable=False)
    total_ttc = money_field(_("total TTC"))
    signature_mode = models.CharField(
        _("mode de signature"),
        max_length=12,
        choices=SignatureMode.choices,
        default=SignatureMode.PAPER,
    )
    # Payment tab (O-6)
    balance_method = models.CharField(
        _("mode de règlement du solde"), max_length=12, choices=PaymentMethod.choices, blank=True
    )
    deposit_amount = money_field(_("montant de l'acompte"))
    deposit_method = models.CharField(
        _("mode de règlement de l'acompte"),
        max_length=12,
        choices=PaymentMethod.choices,
        blank=True,
    )
    deposit_not_online = models.BooleanField(
        _("Le client ne souhaite pas payer l'acompte en ligne"), default=False
    )
    delivery_date = models.DateField(_("date de livraison prévue"), null=True, blank=True)
    latest_delivery_date = models.DateField(_("date de livraison extrême"), null=True, blank=True)
    factory_ordered_at = models.DateTimeField(_("commandé à l'usine le"), null=True, blank=True)
    created_at = models.DateTimeField(_("créée le"), default=timezone.now)
    created_by = user_fk(_("créée par"))
    submitted_at = models.DateTimeField(_("envoyée le"), null=True, blank=True)
    validated_at = models.DateTimeField(_("validée le"), null=True, blank=True)
    validated_by = user_fk(_("validée par"))
    delivered_at = models.DateTimeField(_("livrée le"), null=True, blank=True)
    decision_reason = models.CharField(_("motif"), max_length=500, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("commande")
        indexes = [
            models.Index(fields=["status", "-created_at"], name="order_status_created"),
            models.Index(fields=["point_of_sale", "status"], name="order_pos_status"),
            models.Index(fields=["vehicle", "status"], name="order_vehicle_status"),
        ]

    def __str__(self) -> str:
        return f"Commande n° {self.pk}"

    # Submission ("Valider et imprimer" / "Envoyer en e-signature")
    @transition(field=status, source=S.DRAFT, target=S.PENDING_SIGNATURE)
    def send_for_signature(self) -> None:
        pass

    @transition(field=status, source=[S.DRAFT, S.PENDING_SIGNATURE], target=S.PENDING_TRANSFER)
    def wait_for_transfer(self) -> None:
        pass

    @transition(
        field=status,
        source=[S.DRAFT, S.PENDING_SIGNATURE, S.PENDING_TRANSFER],
        target=S.PENDING_VALIDATION,
    )
    def submit(self) -> None:
        pass

    @transition(
        field=status,
        source=[S.DRAFT, S.PENDING_SIGNATURE, S.PENDING_TRANSFER, S.PENDING_VALIDATION],
        target=S.ORDERED,
    )
    def validate(self) -> None:
        pass

    @transition(
        field=status,
        source=[S.PENDING_VALIDATION, S.PENDING_TRANSFER, S.PENDING_SIGNATURE],
        target=S.REFUSED,
    )
    def refuse(self) -> None:
        pass

    @transition(field=status, source=S.ORDERED, target=S.TO_DELIVER)
    def prepare(self) -> None:
        pass

    @transition(field=status, source=S.TO_DELIVER, target=S.DELIVERED)
    def deliver(self) -> None:
        pass

    # Cancellation: directly with the right, or requested and confirmed by a superior.
    @transition(field=status, source=CANCELLABLE, target=S.PENDING_CANCELLATION)
    def request_cancellation(self) -> None:
        pass

    @transition(
        field=status, source=[*CANCELLABLE, S.PENDING_CANCELLATION, S.MODIFYING], target=S.CANCELLED
    )
    def cancel(self) -> None:
        pass

    @transition(field=status, source=[S.PENDING_CANCELLATION, S.MODIFYING], target=S.ORDERED)
    def restore_ordered(self) -> None:
        """Back to the status it had (a rejected cancellation request, a withdrawn change)."""

    @transition(field=status, source=[S.PENDING_CANCELLATION, S.MODIFYING], target=S.TO_DELIVER)
    def restore_to_deliver(self) -> None:
        pass

    @transition(
        field=status, source=[S.PENDING_CANCELLATION, S.MODIFYING], target=S.PENDING_VALIDATION
    )
    def restore_pending_validation(self) -> None:
        pass

    @transition(field=status, source=[S.PENDING_CANCELLATION, S.MODIFYING], target=S.DRAFT)
    def restore_draft(self) -> None:
        pass

    @transition(
        field=status,
        source=[S.PENDING_CANCELLATION, S.MODIFYING],
        target=S.PENDING_SIGNATURE,
    )
    def restore_pending_signature(self) -> None:
        pass

    @transition(
        field=status, source=[S.PENDING_CANCELLATION, S.MODIFYING], target=S.PENDING_TRANSFER
    )
    def restore_pending_transfer(self) -> None:
        pass

    # Modification ("Modifier"): a new offer version is prepared, then the new order replaces it.
    @transition(field=status, source=MODIFIABLE, target=S.MODIFYING)
    def start_modification(self) -> None:
        pass

    @transition(field=status, source=S.MODIFYING, target=S.REPLACED)
    def mark_replaced(self) -> None:
        pass

    @property
    def is_validated(self) -> bool:
        return self.status in self.VALIDATED


class OrderEvent(models.Model):
    """The order timeline (append-only, X-5)."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=24)
    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20, blank=True)
    message = models.CharField(max_length=500)
    reason = models.CharField(max_length=500, blank=True)
    data = models.JSONField(default=dict, blank=True)
    at = models.DateTimeField(default=timezone.now)
    by = user_fk()

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["order", "-at"], name="order_event_recent")]

    def __str__(self) -> str:
        return self.message
