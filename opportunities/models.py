"""The sales journey: customers, opportunities, offers, orders, additional products (O-*, V-10).

Statuses are protected FSM fields: the graph is declared here, the services in
``services.py`` lock the row, check the user, call the transition, save, write the
event row and enqueue side effects on commit.
"""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, FSMModelMixin, transition

ZERO = Decimal("0.00")
MAX_AMOUNT = Decimal("9999999.99")
money_validators = [
    MinValueValidator(ZERO, message=_("Le montant ne peut pas être négatif.")),
    MaxValueValidator(MAX_AMOUNT, message=_("Ce montant n'est pas plausible.")),
]


def money_field(label, **kwargs):
    kwargs.setdefault("default", ZERO)
    return models.DecimalField(
        label, max_digits=12, decimal_places=2, validators=money_validators, **kwargs
    )


def user_fk(label="", related_name="+", **kwargs):
    kwargs.setdefault("null", True)
    kwargs.setdefault("blank", True)
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=label or _("par"),
        on_delete=models.SET_NULL if kwargs["null"] else models.PROTECT,
        related_name=related_name,
        **kwargs,
    )


# --- Settings (ORG-5) -------------------------------------------------------------------


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


# --- Customers (O-2) --------------------------------------------------------------------


class Civility(models.TextChoices):
    MR = "M.", _("M.")
    MRS = "Mme", _("Mme")


class Customer(models.Model):
    """A private person or a company; a company links its legal representative (a person)."""

    class Kind(models.TextChoices):
        PERSON = "particulier", _("Particulier")
        COMPANY = "societe", _("Société")

    kind = models.CharField(_("type de client"), max_length=12, choices=Kind.choices)
    civility = models.CharField(_("civilité"), max_length=4, choices=Civility.choices, blank=True)
    last_name = models.CharField(_("nom"), max_length=80, blank=True)
    first_name = models.CharField(_("prénom"), max_length=80, blank=True)
    company_name = models.CharField(_("raison sociale"), max_length=120, blank=True)
    siret = models.CharField(_("SIRET"), max_length=14, blank=True)
    email = models.EmailField(_("email"), blank=True)
    mobile = models.CharField(_("mobile"), max_length=20, blank=True)
    phone = models.CharField(_("téléphone"), max_length=20, blank=True)
    address = models.CharField(_("adresse"), max_length=200, blank=True)
    postcode = models.CharField(_("code postal"), max_length=10, blank=True)
    city = models.CharField(_("ville"), max_length=80, blank=True)
    legal_representative = models.ForeignKey(
        "self",
        verbose_name=_("représentant légal"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="represented_companies",
        limit_choices_to={"kind": "particulier"},
    )
    point_of_sale = models.ForeignKey(
        "accounts.PointOfSale",
        verbose_name=_("point de vente"),
        on_delete=models.PROTECT,
        related_name="customers",
    )
    # Lower-cased "name email digits-of-phones" for the search box (trigram index on PG).
    search_text = models.CharField(max_length=400, editable=False, default="")
    created_at = models.DateTimeField(default=timezone.now)
    created_by = user_fk(_("créé par"))

    class Meta:
        ordering = ["last_name", "company_name", "first_name", "pk"]
        verbose_name = _("client")
        indexes = [
            models.Index(fields=["email"], name="customer_email"),
            models.Index(fields=["mobile"], name="customer_mobile"),
            models.Index(fields=["point_of_sale", "last_name"], name="customer_pos_name"),
        ]

    def __str__(self) -> str:
        return self.display_name

    def save(self, *args, **kwargs):
        self.search_text = self.build_search_text()
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "search_text"}
        super().save(*args, **kwargs)

    @property
    def display_name(self) -> str:
        if self.kind == self.Kind.COMPANY:
            return self.company_name
        return " ".join(p for p in (self.civility, self.last_name.upper(), self.first_name) if p)

    @property
    def is_company(self) -> bool:
        return self.kind == self.Kind.COMPANY

    def build_search_text(self) -> str:
        digits = " ".join("".join(c for c in p if c.isdigit()) for p in (self.mobile, self.phone))
        parts = [self.last_name, self.first_name, self.company_name, self.email, digits]
        return " ".join(p for p in parts if p).lower()[:400]


# --- Additional products (V-10) --------------------------------------------------------


class Product(models.Model):
    """A delivery pack, a service or an accessory offered with a vehicle."""

    class Kind(models.TextChoices):
        PACK = "pack", _("Pack livraison")
        SERVICE = "prestation", _("Prestation")
        ACCESSORY = "accessoire", _("Accessoire")

    kind = models.CharField(_("type"), max_length=12, choices=Kind.choices)
    name = models.CharField(_("libellé"), max_length=120)
    price = money_field(_("prix TTC"))
    # Compatibility of a pack; an empty list means "all".
    vehicle_types = models.JSONField(_("types de véhicule"), default=list, blank=True)
    brands = models.JSONField(_("marques"), default=list, blank=True)
    energies = models.JSONField(_("énergies"), default=list, blank=True)
    model_names = models.JSONField(_("modèles"), default=list, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["kind", "name", "pk"]
        verbose_name = _("produit additionnel")
        verbose_name_plural = _("produits additionnels")

    def __str__(self) -> str:
        return self.name


class PackElement(models.Model):
    """One element of a delivery pack (the salesperson may keep only some of them)."""

    pack = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="elements")
    label = models.CharField(_("élément"), max_length=120)
    price = money_field(_("prix TTC"))
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.label


class VehicleProduct(models.Model):
    """An accessory or service that the fleet manager attached to a vehicle (V-10)."""

    vehicle = models.ForeignKey(
        "vehicles.Vehicle", on_delete=models.CASCADE, related_name="additional_products"
    )
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="on_vehicles")
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["vehicle", "product"], name="vehicle_product_unique")
        ]

    def __str__(self) -> str:
        return f"{self.vehicle_id}: {self.product_id}"


# --- Opportunities (O-1, O-9) ----------------------------------------------------------


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


# --- Offers (O-3, O-4, V-10) -----------------------------------------------------------


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


# --- Orders (O-5, O-6) ----------------------------------------------------------------


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


# --- Pre-entry reservation of used vehicles (V-11) --------------------------------------


class Reservation(FSMModelMixin, models.Model):
    """A salesperson's reservation of a VO in pré-entrée, made from a validated offer.

    At most one active reservation per vehicle: the partial unique constraint is the
    concurrency guard (two salespeople reserving at the same moment, one wins). The
    vehicle carries the visible state (``reservation_kind``/``reservation_ends_at``).
    """

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        ENDED = "terminee", _("Terminée")

    class Kind(models.TextChoices):
        UNLIMITED = "illimitee", _("Réservé pour une durée illimitée")
        HOURS_48 = "48h", _("Réservé pour 48h")

    offer = models.ForeignKey(Offer, on_delete=models.PROTECT, related_name="reservations")
    vehicle = models.ForeignKey(
        "vehicles.Vehicle",
        verbose_name=_("véhicule"),
        on_delete=models.PROTECT,
        related_name="preentry_reservations",
    )
    opportunity = models.ForeignKey(
        Opportunity, on_delete=models.PROTECT, related_name="reservations"
    )
    reserved_by = user_fk(_("réservé par"))
    kind = models.CharField(_("type"), max_length=12, choices=Kind.choices, default=Kind.UNLIMITED)
    ends_at = models.DateTimeField(_("fin"), null=True, blank=True)
    status = FSMField(
        _("statut"), max_length=10, choices=Status.choices, default=Status.ACTIVE, protected=True
    )
    created_at = models.DateTimeField(_("réservé le"), default=timezone.now)
    ended_at = models.DateTimeField(_("terminée le"), null=True, blank=True)
    ended_by = user_fk(_("terminée par"))
    end_reason = models.CharField(_("motif de fin"), max_length=500, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("réservation de VO en pré-entrée")
        constraints = [
            models.UniqueConstraint(
                fields=["vehicle"],
                condition=Q(status="active"),
                name="reservation_one_active_per_vehicle",
            )
        ]
        indexes = [
            models.Index(
                fields=["ends_at"], condition=Q(status="active"), name="reservation_expiry"
            ),
            models.Index(fields=["offer"], condition=Q(status="active"), name="reservation_offer"),
        ]

    def __str__(self) -> str:
        return f"Réservation n° {self.pk}"

    @transition(field=status, source=Status.ACTIVE, target=Status.ENDED)
    def end(self) -> None:
        pass


# --- Trade-ins (O-8) --------------------------------------------------------------------


class TradeIn(FSMModelMixin, models.Model):
    """A used vehicle that the customer sells to the dealer, alone (reprise sèche) or with
    an order; also an estimate request from requesters or an online campaign (O-8)."""

    class Status(models.TextChoices):
        TO_VALIDATE = "a_valider", _("À valider")
        AUCTION = "enchere", _("Enchère en cours")
        VALIDATED = "validee", _("Validée")
        REFUSED = "refusee", _("Refusée")

    class Kind(models.TextChoices):
        DRY = "seche", _("Reprise sèche")
        WITH_ORDER = "avec_commande", _("Reprise avec commande")

    class Method(models.TextChoices):
        CAMPAIGN = "campagne", _("Campagne")
        REQUESTERS = "demandeurs", _("Demandeurs")

    class Destination(models.TextChoices):
        PROFESSIONAL = "professionnel", _("Professionnel")
        PRIVATE = "particulier", _("Particulier")

    opportunity = models.ForeignKey(
        Opportunity,
        verbose_name=_("opportunité"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="trade_ins",
    )
    # The offer whose totals carry the trade-in value (with an order), or the offer that
    # ends "terminée" when a dry trade-in completes.
    offer = models.ForeignKey(
        Offer, on_delete=models.SET_NULL, null=True, blank=True, related_name="trade_ins"
    )
    customer = models.ForeignKey(
        Customer,
        verbose_name=_("client"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="trade_ins",
    )
    point_of_sale = models.ForeignKey(
        "accounts.PointOfSale",
        verbose_name=_("point de vente"),
        on_delete=models.PROTECT,
        related_name="trade_ins",
    )
    kind = models.CharField(_("type de reprise"), max_length=14, choices=Kind.choices)
    creation_method = models.CharField(
        _("mode de création"), max_length=10, choices=Method.choices, default=Method.REQUESTERS
    )
    destination = models.CharField(
        _("destination"), max_length=14, choices=Destination.choices, default=Destination.PRIVATE
    )
    # The customer's vehicle
    brand = models.CharField(_("marque"), max_length=60)
    model = models.CharField(_("modèle"), max_length=80)
    version = models.CharField(_("version"), max_length=160, blank=True)
    energy = models.CharField(_("énergie"), max_length=24, blank=True)
    registration = models.CharField(_("immatriculation"), max_length=20, blank=True)
    vin = models.CharField(_("n° de châssis (VIN)"), max_length=17, blank=True)
    mileage = models.PositiveIntegerField(_("kilométrage"), default=0)
    first_registration = models.DateField(
        _("date de 1re immatriculation (MEC)"), null=True, blank=True
    )
    condition = models.TextField(_("état du véhicule"), blank=True, max_length=2000)
    # Values
    estimate = money_field(_("estimation"))
    requested_value = money_field(_("valeur demandée par le client"))
    proposed_value = money_field(_("valeur proposée"))
    status = FSMField(
        _("statut"),
        max_length=10,
        choices=Status.choices,
        default=Status.TO_VALIDATE,
        protected=True,
    )
    decided_at = models.DateTimeField(_("décidée le"), null=True, blank=True)
    decided_by = user_fk(_("décidée par"))
    decision_reason = models.CharField(_("motif"), max_length=500, blank=True)
    completed_at = models.DateTimeField(_("reprise effectuée le"), null=True, blank=True)
    stock_vehicle = models.OneToOneField(
        "vehicles.Vehicle",
        verbose_name=_("VO créé en stock"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="trade_in",
    )
    expected_entry_date = models.DateField(_("date d'entrée prévue"), null=True, blank=True)
    created_at = models.DateTimeField(_("créée le"), default=timezone.now)
    created_by = user_fk(_("créée par"))

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("reprise")
        indexes = [
            models.Index(fields=["status", "-created_at"], name="tradein_status"),
            models.Index(fields=["point_of_sale", "status"], name="tradein_pos_status"),
        ]

    def __str__(self) -> str:
        return f"Reprise n° {self.pk}"

    @transition(field=status, source=Status.TO_VALIDATE, target=Status.AUCTION)
    def start_auction(self) -> None:
        pass

    @transition(field=status, source=[Status.TO_VALIDATE, Status.AUCTION], target=Status.VALIDATED)
    def validate(self) -> None:
        pass

    @transition(field=status, source=[Status.TO_VALIDATE, Status.AUCTION], target=Status.REFUSED)
    def refuse(self) -> None:
        pass


class TradeInPhoto(models.Model):
    trade_in = models.ForeignKey(TradeIn, on_delete=models.CASCADE, related_name="photos")
    image = models.FileField(_("photo"), upload_to="tradeins/%Y/%m/")
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.image.name


class TradeInEvent(models.Model):
    """The trade-in history (append-only)."""

    trade_in = models.ForeignKey(TradeIn, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=24)
    message = models.CharField(max_length=500)
    data = models.JSONField(default=dict, blank=True)
    at = models.DateTimeField(default=timezone.now)
    by = user_fk()

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["trade_in", "-at"], name="tradein_event_recent")]

    def __str__(self) -> str:
        return self.message


class ValidatorFilter(models.Model):
    """A trade-in validator's saved filters (O-8): preselected at his next login, and from
    then on he receives only the requests that match them. Empty lists mean "all"."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="tradein_filter"
    )
    destinations = models.JSONField(_("destinations"), default=list, blank=True)
    brands = models.JSONField(_("marques"), default=list, blank=True)
    methods = models.JSONField(_("modes de création"), default=list, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("filtres de valideur de reprises")

    def __str__(self) -> str:
        return f"Filtres de {self.user_id}"


# --- Financing (V-13) ------------------------------------------------------------------


class FinancingSimulation(models.Model):
    """A financing simulation on a vehicle, automatic (provider) or customised; at most
    one default per vehicle (shown first, on the sticker and in the stock list)."""

    class Kind(models.TextChoices):
        AUTOMATIC = "automatique", _("Automatique")
        CUSTOM = "personnalisee", _("Personnalisée")

    vehicle = models.ForeignKey(
        "vehicles.Vehicle", on_delete=models.CASCADE, related_name="financing_simulations"
    )
    offer = models.ForeignKey(
        Offer,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="financing_simulations",
    )
    provider = models.CharField(_("organisme"), max_length=40)
    kind = models.CharField(_("type"), max_length=14, choices=Kind.choices)
    label = models.CharField(_("libellé"), max_length=120, blank=True)
    price = money_field(_("prix financé TTC"))
    down_payment = money_field(_("apport"))
    duration_months = models.PositiveSmallIntegerField(
        _("durée (mois)"), validators=[MinValueValidator(6), MaxValueValidator(120)]
    )
    annual_rate = models.DecimalField(
        _("taux annuel (%)"),
        max_digits=5,
        decimal_places=3,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("25"))],
    )
    services_monthly = money_field(_("prestations mensuelles"))
    monthly_payment = money_field(_("mensualité"))
    total_cost = money_field(_("coût total du crédit"))
    is_default = models.BooleanField(_("offre par défaut"), default=False)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = user_fk()

    class Meta:
        ordering = ["-is_default", "monthly_payment", "pk"]
        verbose_name = _("simulation de financement")
        constraints = [
            models.UniqueConstraint(
                fields=["vehicle"],
                condition=Q(is_default=True),
                name="financing_one_default_per_vehicle",
            )
        ]
        indexes = [models.Index(fields=["vehicle", "kind"], name="financing_vehicle")]

    def __str__(self) -> str:
        return f"{self.provider} {self.duration_months} mois : {self.monthly_payment}"


class FinancingRequest(ConcurrentTransitionMixin, FSMModelMixin, models.Model):
    """A financing request sent to the provider from a validated offer, with its answer
    (agreement in principle, V-13)."""

    class Status(models.TextChoices):
        SENT = "transmis", _("Dossier transmis à la financière")
        FAVOURABLE = "favorable", _("Accord de principe favorable")
        UNFAVOURABLE = "defavorable", _("Accord de principe défavorable")
        ERROR = "erreur", _("Erreur de transmission")

    offer = models.ForeignKey(Offer, on_delete=models.PROTECT, related_name="financing_requests")
    provider = models.CharField(_("organisme"), max_length=40)
    status = FSMField(
        _("statut"), max_length=12, choices=Status.choices, default=Status.SENT, protected=True
    )
    amount = money_field(_("montant financé"))
    down_payment = money_field(_("apport"))
    duration_months = models.PositiveSmallIntegerField(_("durée (mois)"))
    annual_rate = models.DecimalField(_("taux annuel (%)"), max_digits=5, decimal_places=3)
    monthly_payment = money_field(_("mensualité"))
    applicant = models.JSONField(_("demandeur"), default=dict, blank=True)
    provider_reference = models.CharField(_("référence de l'organisme"), max_length=60, blank=True)
    answer_message = models.CharField(_("réponse"), max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = user_fk()
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("demande de financement")

    def __str__(self) -> str:
        return f"Demande de financement n° {self.pk}"

    @transition(field=status, source=Status.SENT, target=Status.FAVOURABLE)
    def accept(self) -> None:
        pass

    @transition(field=status, source=Status.SENT, target=Status.UNFAVOURABLE)
    def decline(self) -> None:
        pass

    @transition(field=status, source=Status.SENT, target=Status.ERROR)
    def fail(self) -> None:
        pass
