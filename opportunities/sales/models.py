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
from django_fsm import GET_STATE, ConcurrentTransitionMixin, FSMField, FSMModelMixin, transition

from opportunities.customers.models import Customer
from opportunities.fields import money_field, user_fk
from opportunities.products.models import PackElement, Product
from opportunities.sales import rights
from vehicles.models import ReservationKind


def vehicle_not_held_by_another(instance) -> bool:
    """Condition of the offer and order transitions that would sell the vehicle (V-11): no
    other opportunity's reservation holds it. No query unless the vehicle is reserved;
    the services check it again and say why (``reservations.services.reservation_refusal``).

    Read through the reverse relation of the reservations' model: a model module never
    imports services."""
    vehicle = instance.vehicle
    if vehicle.reservation_kind not in (ReservationKind.UNLIMITED, ReservationKind.HOURS_48):
        return True
    return not (
        vehicle.preentry_reservations.filter(status="active")
        .exclude(opportunity_id=instance.opportunity_id)
        .exists()
    )


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

    @transition(
        field=status,
        source=Status.OPEN,
        target=Status.ABANDONED,
        permission=rights.opportunity_may_act,
        custom={
            "action": "abandon",
            "label": _("Abandonner l'opportunité"),
            "tone": "danger",
            "reason_required": True,
        },
    )
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

    # ``permission`` and ``custom`` as on Order: the offer page's buttons come from here.
    # Ordering, revising (a new version) and duplicating keep the status (target None):
    # their services write; they are declared so that their buttons follow the same rules.
    @transition(
        field=status,
        source=Status.OPEN,
        target=Status.VALIDATED,
        conditions=[vehicle_not_held_by_another],
        permission=rights.offer_may_act,
        custom={
            "action": "valider",
            "label": _("Valider l'offre"),
            "title": _("Le client accepte cette offre"),
            "tone": "primary",
        },
    )
    def validate(self) -> None:
        pass

    @transition(
        field=status,
        source=Status.VALIDATED,
        target=None,
        conditions=[vehicle_not_held_by_another],
        permission=rights.offer_may_change,
        custom={"action": "commander", "label": _("Passer la commande"), "tone": "primary"},
    )
    def place_order(self) -> None:
        pass

    @transition(
        field=status,
        source=Status.VALIDATED,
        target=None,
        conditions=[vehicle_not_held_by_another],
        permission=rights.offer_may_change,
        custom={
            "action": "modifier",
            "label": _("Modifier"),
            "title": _("Annule cette offre et en crée une nouvelle version"),
            "tone": "secondary",
        },
    )
    def revise(self) -> None:
        pass

    @transition(
        field=status,
        source=[Status.OPEN, Status.VALIDATED, Status.FINISHED],
        target=None,
        conditions=[vehicle_not_held_by_another],
        permission=rights.offer_may_act,
        custom={"action": "dupliquer", "label": _("Dupliquer"), "tone": "secondary"},
    )
    def duplicate(self) -> None:
        pass

    @transition(
        field=status,
        source=Status.OPEN,
        target=Status.CANCELLED,
        permission=rights.offer_may_act,
        custom={"action": "annuler", "label": _("Annuler l'offre"), "tone": "ghost"},
    )
    @transition(
        field=status,
        source=Status.VALIDATED,
        target=Status.CANCELLED,
        permission=rights.offer_may_change,
        custom={"action": "annuler", "label": _("Annuler l'offre"), "tone": "ghost"},
    )
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
        DRAFT = "brouillon", _("Brouillon")
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

    # Transitions: ``permission`` says who may take them from the pages (sales/rights.py);
    # ``custom`` carries the button: its action name (the view's registry), label, tone,
    # and whether a reason is required; ``"list": True`` also shows it in the order lists.
    # A source without ``custom`` is a step the services take on their own (after a
    # signature, a transfer, a replacement). Buttons: primary first, danger last.

    # Submission ("Valider la commande" / "Valider et envoyer pour e-signature"): the
    # e-signature module (signatures/flows) creates the request when the order enters
    # PENDING_SIGNATURE (``order_status_changed``); the sale side never imports it.
    @transition(
        field=status,
        source=S.DRAFT,
        target=S.PENDING_SIGNATURE,
        permission=rights.order_may_act,
        custom={
            "action": "esign",
            "label": _("Valider et envoyer pour e-signature"),
            "title": _("Le client signe le bon de commande en ligne, avec un code reçu par SMS"),
            "tone": "secondary",
        },
    )
    def send_for_signature(self) -> None:
        pass

    # The customer refused to sign, or the link expired (S-4): the order goes back to its
    # salesperson as a draft, with the reason in its timeline (sent again, or on paper).
    @transition(field=status, source=S.PENDING_SIGNATURE, target=S.DRAFT)
    def signature_failed(self) -> None:
        pass

    @transition(field=status, source=[S.DRAFT, S.PENDING_SIGNATURE], target=S.PENDING_TRANSFER)
    def wait_for_transfer(self) -> None:
        pass

    @transition(
        field=status,
        source=S.DRAFT,
        target=S.PENDING_VALIDATION,
        permission=rights.order_may_act,
        custom={"action": "submit", "label": _("Valider la commande"), "tone": "primary"},
    )
    @transition(
        field=status, source=[S.PENDING_SIGNATURE, S.PENDING_TRANSFER], target=S.PENDING_VALIDATION
    )
    def submit(self) -> None:
        pass

    @transition(
        field=status,
        source=S.PENDING_VALIDATION,
        target=S.ORDERED,
        conditions=[vehicle_not_held_by_another],
        permission=rights.order_may_decide,
        custom={"action": "validate", "label": _("Valider"), "tone": "primary", "list": True},
    )
    @transition(
        field=status, source=[S.DRAFT, S.PENDING_SIGNATURE, S.PENDING_TRANSFER], target=S.ORDERED
    )
    def validate(self) -> None:
        pass

    @transition(
        field=status,
        source=S.PENDING_VALIDATION,
        target=S.REFUSED,
        permission=rights.order_may_decide,
        custom={
            "action": "refuse",
            "label": _("Refuser"),
            "tone": "danger",
            "reason_required": True,
            "list": True,
        },
    )
    @transition(field=status, source=[S.PENDING_TRANSFER, S.PENDING_SIGNATURE], target=S.REFUSED)
    def refuse(self) -> None:
        pass

    # Cancellation: directly with the right, or requested and confirmed by a superior.
    @transition(
        field=status,
        source=CANCELLABLE,
        target=S.CANCELLED,
        permission=rights.order_may_cancel,
        custom={
            "action": "cancel",
            "label": _("Annuler la commande"),
            "tone": "danger",
            "reason_required": True,
        },
    )
    @transition(
        field=status,
        source=S.PENDING_CANCELLATION,
        target=S.CANCELLED,
        permission=rights.order_may_decide,
        custom={
            "action": "confirm_cancellation",
            "label": _("Confirmer l'annulation"),
            "tone": "danger",
            "list": True,
        },
    )
    @transition(field=status, source=S.MODIFYING, target=S.CANCELLED)
    def cancel(self) -> None:
        pass

    @transition(
        field=status,
        source=[
            S.PENDING_SIGNATURE,
            S.PENDING_TRANSFER,
            S.PENDING_VALIDATION,
            S.ORDERED,
            S.TO_DELIVER,
        ],
        target=S.PENDING_CANCELLATION,
        permission=rights.order_may_request_cancellation,
        custom={
            "action": "cancel",
            "label": _("Demander l'annulation"),
            "tone": "danger",
            "reason_required": True,
        },
    )
    @transition(field=status, source=S.DRAFT, target=S.PENDING_CANCELLATION)
    def request_cancellation(self) -> None:
        pass

    # Back to the status it had (a rejected cancellation request, a withdrawn change): the
    # target is read from ``status_before`` (a draft if it is missing).
    @transition(
        field=status,
        source=S.PENDING_CANCELLATION,
        target=GET_STATE(lambda order: order.state_to_restore, states=CANCELLABLE),
        permission=rights.order_may_decide,
        custom={
            "action": "reject_cancellation",
            "label": _("Refuser l'annulation"),
            "tone": "secondary",
            "reason_required": True,
            "list": True,
        },
    )
    @transition(
        field=status,
        source=S.MODIFYING,
        target=GET_STATE(lambda order: order.state_to_restore, states=CANCELLABLE),
        permission=rights.order_may_act,
        custom={
            "action": "withdraw_modification",
            "label": _("Abandonner la modification"),
            "tone": "secondary",
        },
    )
    def restore(self) -> None:
        pass

    @transition(
        field=status,
        source=S.ORDERED,
        target=S.TO_DELIVER,
        permission=rights.order_may_prepare,
        custom={"action": "prepare", "label": _("Prêt à livrer"), "tone": "primary", "list": True},
    )
    def prepare(self) -> None:
        pass

    @transition(
        field=status,
        source=S.TO_DELIVER,
        target=S.DELIVERED,
        permission=rights.order_may_deliver,
        custom={"action": "deliver", "label": _("Déclarer livré"), "tone": "primary", "list": True},
    )
    def deliver(self) -> None:
        pass

    # A VN order placed with the manufacturer: the status stays (target None), the service
    # records the date; declared here so that its button follows the same rules.
    @transition(
        field=status,
        source=[S.ORDERED, S.TO_DELIVER],
        target=None,
        conditions=[lambda order: order.vehicle.parc == "VN" and not order.factory_ordered_at],
        permission=rights.order_may_order_from_factory,
        custom={"action": "factory", "label": _("Commandé à l'usine"), "tone": "secondary"},
    )
    def order_from_factory(self) -> None:
        pass

    # Modification ("Modifier"): a new offer version is prepared, then the new order replaces it.
    @transition(
        field=status,
        source=MODIFIABLE,
        target=S.MODIFYING,
        conditions=[vehicle_not_held_by_another],
        permission=rights.order_may_modify,
        custom={"action": "modify", "label": _("Modifier"), "tone": "secondary"},
    )
    def start_modification(self) -> None:
        pass

    @transition(field=status, source=S.MODIFYING, target=S.REPLACED)
    def mark_replaced(self) -> None:
        pass

    @property
    def state_to_restore(self) -> str:
        """Where ``restore`` goes back to: the status saved when the order left it."""
        return self.status_before if self.status_before in self.CANCELLABLE else self.S.DRAFT

    @property
    def is_validated(self) -> bool:
        return self.status in self.VALIDATED

    # What the pages ask (templates do not compare status strings).
    @property
    def is_draft(self) -> bool:
        return self.status == self.S.DRAFT

    @property
    def is_waiting_for_transfer(self) -> bool:
        return self.status == self.S.PENDING_TRANSFER

    @property
    def is_cancellation_requested(self) -> bool:
        return self.status == self.S.PENDING_CANCELLATION

    @property
    def shows_decision_reason(self) -> bool:
        """The reason of a refusal, a cancellation or a cancellation request."""
        return bool(self.decision_reason) and self.status in (
            self.S.REFUSED,
            self.S.PENDING_CANCELLATION,
            self.S.CANCELLED,
        )


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
