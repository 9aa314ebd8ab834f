"""The stock: vehicles, their lifeline, prices, history, transfers and auctions (V-1 … V-15)."""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.db.models import F
from django.db.models.functions import Upper
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import RETURN_VALUE, FSMField, FSMModelMixin, transition

from openflex.core import money

ZERO = Decimal("0")
money_validators = [MinValueValidator(ZERO, message=_("Le prix ne peut pas être négatif."))]

# A VIN has 17 characters; I, O and Q are never used (ISO 3779).
vin_validator = RegexValidator(
    r"^[A-HJ-NPR-Z0-9]{17}$",
    message=_("Le n° de châssis (VIN) compte 17 caractères, sans les lettres I, O et Q."),
)


class Parc(models.TextChoices):
    VN = "VN", _("VN — neuf")
    VO = "VO", _("VO — occasion")
    VD = "VD", _("VD — démonstration")


class Genre(models.TextChoices):
    VP = "VP", _("VP — particulier")
    VU = "VU", _("VU — utilitaire")


class Destination(models.TextChoices):
    PRIVATE = "particulier", _("Particulier")
    PROFESSIONAL = "professionnel", _("Professionnel")


class Energy(models.TextChoices):
    PETROL = "essence", _("Essence")
    DIESEL = "diesel", _("Diesel")
    HYBRID = "hybride", _("Hybride")
    PLUGIN_HYBRID = "hybride_rechargeable", _("Hybride rechargeable")
    ELECTRIC = "electrique", _("Électrique")
    LPG = "gpl", _("GPL")
    E85 = "e85", _("Superéthanol E85")
    HYDROGEN = "hydrogene", _("Hydrogène")


class VatRegime(models.TextChoices):
    """How the sale of a vehicle bears VAT (issue 13; values of ``openflex.core.money``).

    Set at stock entry: VN and VD are normal; a VO bought with VAT from a VAT-registered
    company is normal; a VO bought from a private person (a trade-in, most of the used
    stock) is sold under the margin scheme: no VAT on the order form, a legal mention
    instead, and VAT on the margin in the dealer's books only."""

    NORMAL = "normal", _("TVA sur le prix total")
    MARGIN = "margin", _("TVA sur la marge (art. 297 A du CGI)")


class ReservationKind(models.TextChoices):
    """Kinds of reservation shown in the list, its filters and the export (V-11, P-8)."""

    NONE = "", _("Non réservé")
    UNLIMITED = "illimitee", _("Réservé pour une durée illimitée")
    HOURS_48 = "48h", _("Réservé pour 48h")
    CUSTOMER = "client", _("Réservé par un client")


class StandardStatus(models.TextChoices):
    PRE_ENTRY = "pre_entree", _("Pré-entrée")
    PHYSICAL_ENTRY = "entree_physique", _("Entrée physique")
    SALES_STOCK = "stock_vente", _("Stock de vente")
    DELIVERY = "livraison", _("Livraison")
    EXIT = "sortie", _("Sortie")


# Positions of the standard statuses; custom ones take positions in between.
STANDARD_POSITIONS = {
    StandardStatus.PRE_ENTRY: 1000,
    StandardStatus.PHYSICAL_ENTRY: 2000,
    StandardStatus.SALES_STOCK: 3000,
    StandardStatus.DELIVERY: 4000,
    StandardStatus.EXIT: 5000,
}


class LifelineStatus(models.Model):
    """A status of the lifeline (V-2): standard, or custom between two standard ones.

    ``destination`` empty means the status is on the lifeline of both destinations.
    """

    code = models.SlugField(_("code"), max_length=64, unique=True)
    label = models.CharField(_("libellé"), max_length=80)
    position = models.PositiveIntegerField(_("position"))
    is_standard = models.BooleanField(_("standard"), default=False)
    destination = models.CharField(
        _("destination"), max_length=16, choices=Destination.choices, blank=True
    )
    is_active = models.BooleanField(_("actif"), default=True)

    class Meta:
        ordering = ["position"]
        verbose_name = _("statut de la ligne de vie")
        verbose_name_plural = _("statuts de la ligne de vie")
        constraints = [
            models.UniqueConstraint(fields=["position"], name="lifeline_position_unique")
        ]

    def __str__(self) -> str:
        return self.label


class StatusMaxStay(models.Model):
    """Maximum number of days a vehicle may stay in a status, per parc and destination (V-9)."""

    status = models.ForeignKey(LifelineStatus, on_delete=models.CASCADE, related_name="max_stays")
    parc = models.CharField(_("parc"), max_length=2, choices=Parc.choices)
    destination = models.CharField(_("destination"), max_length=16, choices=Destination.choices)
    max_days = models.PositiveIntegerField(_("durée maximale (jours)"))

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["status", "parc", "destination"], name="max_stay_unique"
            )
        ]
        verbose_name = _("durée maximale dans un statut")

    def __str__(self) -> str:
        return f"{self.status} {self.parc} {self.destination}: {self.max_days} j"


class Vehicle(FSMModelMixin, models.Model):
    """A vehicle of the stock (V-1). ``number`` is its OpenFlex number."""

    number = models.BigAutoField(_("n° OpenFlex"), primary_key=True)
    parc = models.CharField(_("type"), max_length=2, choices=Parc.choices)
    genre = models.CharField(_("genre"), max_length=2, choices=Genre.choices, default=Genre.VP)
    destination = models.CharField(
        _("destination"), max_length=16, choices=Destination.choices, default=Destination.PRIVATE
    )
    brand = models.CharField(_("marque"), max_length=60)
    model = models.CharField(_("modèle"), max_length=80)
    version = models.CharField(_("version"), max_length=160, blank=True)
    energy = models.CharField(_("énergie"), max_length=24, choices=Energy.choices)
    colour = models.CharField(_("couleur"), max_length=60, blank=True)
    doors = models.PositiveSmallIntegerField(_("portes"), null=True, blank=True)
    fiscal_power = models.PositiveSmallIntegerField(
        _("puissance fiscale (CV)"), null=True, blank=True
    )
    power_hp = models.PositiveSmallIntegerField(_("puissance (ch)"), null=True, blank=True)
    registration = models.CharField(_("immatriculation"), max_length=20, blank=True)
    vin = models.CharField(_("n° de châssis (VIN)"), max_length=17, validators=[vin_validator])
    internal_number = models.CharField(_("n° interne"), max_length=30, blank=True)
    first_registration = models.DateField(
        _("date de 1re immatriculation (MEC)"), null=True, blank=True
    )
    mileage = models.PositiveIntegerField(_("kilométrage"), default=0)
    empty_weight = models.PositiveIntegerField(
        _("poids à vide avec conducteur (kg)"), null=True, blank=True
    )
    from_configurator = models.BooleanField(
        _("issu d'un configurateur constructeur"), default=False
    )
    point_of_sale = models.ForeignKey(
        "accounts.PointOfSale",
        verbose_name=_("point de vente propriétaire"),
        on_delete=models.PROTECT,
        related_name="vehicles",
    )
    physical_site = models.ForeignKey(
        "accounts.PhysicalSite",
        verbose_name=_("site de présence physique"),
        on_delete=models.PROTECT,
        related_name="vehicles",
    )

    # Lifeline (V-2): the code of a LifelineStatus; changed only by vehicle_status_change.
    status = FSMField(_("statut"), max_length=64, default=StandardStatus.PRE_ENTRY, protected=True)
    status_changed_at = models.DateTimeField(_("dans ce statut depuis"), default=timezone.now)

    # Prices (V-7). price_reset_at is when the days-since-price-update counter restarted.
    selling_price = models.DecimalField(
        _("prix de vente TTC"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=money_validators,
    )
    catalogue_price = models.DecimalField(
        _("prix catalogue TTC"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=money_validators,
    )
    discount = models.DecimalField(
        _("remise TTC"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=money_validators,
    )
    staff_price = models.DecimalField(
        _("prix collaborateur TTC"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=money_validators,
    )
    price_reset_at = models.DateTimeField(_("dernière MAJ des prix"), default=timezone.now)
    # VAT (issue 13): the regime of its sale, and what the dealer paid for it (the margin
    # of a margin-scheme sale, for the dealer's books; never printed for customers).
    vat_regime = models.CharField(
        _("régime de TVA"), max_length=6, choices=VatRegime.choices, default=VatRegime.NORMAL
    )
    purchase_price = models.DecimalField(
        _("prix d'achat"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=money_validators,
        help_text=_(
            "Ce que le véhicule a coûté (reprise : valeur de reprise). "
            "Sert au calcul de la TVA sur la marge ; jamais imprimé."
        ),
    )
    # The monthly payment of the default (or cheapest automatic) financing simulation,
    # kept here by the financing module for the stock list's column (V-13).
    monthly_payment = models.DecimalField(
        _("mensualité"), max_digits=12, decimal_places=2, null=True, blank=True
    )

    # Publication (V-12): requested by staff; is_published also needs every criterion.
    publication_requested = models.BooleanField(_("publication demandée"), default=True)
    is_published = models.BooleanField(_("publié"), default=False)

    # Reservation state (V-11, P-8), maintained by the reservation services.
    reservation_kind = models.CharField(
        _("réservation"), max_length=16, choices=ReservationKind.choices, blank=True, default=""
    )
    reservation_ends_at = models.DateTimeField(_("fin de réservation"), null=True, blank=True)

    # Status delay alerts (V-9): switched off for good, or snoozed until a date.
    delay_alerts_off = models.BooleanField(
        _("ne plus être alerté du retard de ce véhicule"), default=False
    )
    delay_snoozed_until = models.DateField(
        _("alerte de retard coupée jusqu'au"), null=True, blank=True
    )
    delay_reason = models.CharField(_("motif du retard"), max_length=500, blank=True)

    # Lower-cased "brand model registration internal number VIN": free-text search,
    # backed by a trigram GIN index on PostgreSQL (migration 0002).
    search_text = models.CharField(max_length=400, editable=False, default="")

    created_at = models.DateTimeField(_("créé le"), default=timezone.now)
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)

    class Meta:
        verbose_name = _("véhicule")
        verbose_name_plural = _("véhicules")
        ordering = ["-number"]
        indexes = [
            models.Index(fields=["parc", "-number"], name="vehicle_parc"),
            models.Index(fields=["genre"], name="vehicle_genre"),
            models.Index(fields=["destination"], name="vehicle_destination"),
            models.Index(fields=["status", "-number"], name="vehicle_status"),
            models.Index(fields=["point_of_sale", "-number"], name="vehicle_pos"),
            models.Index(fields=["physical_site"], name="vehicle_site"),
            models.Index(fields=["brand", "model"], name="vehicle_brand_model"),
            models.Index(fields=["model"], name="vehicle_model"),
            models.Index(fields=["energy"], name="vehicle_energy"),
            models.Index(fields=["selling_price"], name="vehicle_price"),
            models.Index(fields=["price_reset_at", "number"], name="vehicle_price_reset"),
            models.Index(fields=["mileage"], name="vehicle_mileage"),
            models.Index(fields=["first_registration"], name="vehicle_mec"),
            models.Index(fields=["status_changed_at"], name="vehicle_status_since"),
            # Delay alerts (V-9): one range scan per (status, parc, destination) rule.
            models.Index(
                fields=["status", "parc", "destination", "status_changed_at"], name="vehicle_delay"
            ),
            models.Index(fields=["created_at"], name="vehicle_created"),
            models.Index(
                fields=["reservation_kind"],
                condition=~models.Q(reservation_kind=""),
                name="vehicle_reserved",
            ),
            models.Index(
                fields=["-number"], condition=models.Q(is_published=True), name="vehicle_published"
            ),
            models.Index(Upper("vin"), name="vehicle_vin_upper"),
            # brand / model filters are case-insensitive (iexact → UPPER(col) = UPPER(%s)).
            models.Index(Upper("brand"), F("model"), F("number"), name="vehicle_brand_upper"),
            models.Index(Upper("model"), F("number"), name="vehicle_model_upper"),
        ]

    def __str__(self) -> str:
        return f"{self.brand} {self.model} n° {self.number}"

    def save(self, *args, **kwargs):
        self.search_text = self.build_search_text(
            self.brand, self.model, self.registration, self.internal_number, self.vin
        )
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and set(update_fields) & {
            "brand",
            "model",
            "registration",
            "internal_number",
            "vin",
        }:
            kwargs["update_fields"] = {*update_fields, "search_text"}
        super().save(*args, **kwargs)

    @staticmethod
    def build_search_text(brand, model, registration, internal_number, vin) -> str:
        parts = [
            brand,
            model,
            registration,
            (registration or "").replace("-", ""),
            internal_number,
            vin,
        ]
        return " ".join(p for p in parts if p).lower()

    def clean(self):
        super().clean()
        if self.vat_regime == VatRegime.MARGIN and self.parc != Parc.VO:
            raise ValidationError(
                {
                    "vat_regime": _(
                        "Seul un véhicule d'occasion (VO) se vend sous le régime de la marge ; "
                        "un VN ou un VD porte la TVA sur le prix total."
                    )
                }
            )

    @property
    def is_margin_scheme(self) -> bool:
        return self.vat_regime == VatRegime.MARGIN

    @property
    def margin_vat(self) -> Decimal | None:
        """The VAT owed on the margin of a sale at the selling price (dealer's books)."""
        if not self.is_margin_scheme:
            return None
        return money.margin_vat(self.selling_price, self.purchase_price)

    @property
    def has_catalogue(self) -> bool:
        """Catalogue price and discount exist for new and demonstration vehicles (V-7)."""
        return self.parc in (Parc.VN, Parc.VD)

    @transition(field=status, source="*", target=RETURN_VALUE())
    def move_to(self, code: str) -> str:
        """The lifeline move; vehicles.services.vehicle_status_change checks and records it."""
        return code


class VehicleOption(models.Model):
    vehicle = models.ForeignKey(Vehicle, on_delete=models.CASCADE, related_name="options")
    label = models.CharField(_("option"), max_length=160)
    price = models.DecimalField(
        _("prix TTC"), max_digits=10, decimal_places=2, default=ZERO, validators=money_validators
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("option")

    def __str__(self) -> str:
        return self.label


class PriceOrigin(models.TextChoices):
    AUTOMATIC = "automatique", _("Mise à jour automatique")
    MANUAL = "manuelle", _("Changement manuel")
    CATALOGUE = "catalogue", _("Prix catalogue")
    DISCOUNT = "remise", _("Remise")
    STAFF = "collaborateur", _("Prix collaborateur")


class PriceChange(FSMModelMixin, models.Model):
    """A change of one price of a vehicle, with its validation status (V-7, V-8)."""

    class Status(models.TextChoices):
        TO_VALIDATE = "a_valider", _("À valider")
        VALIDATED = "validee", _("Validée")
        REFUSED = "refusee", _("Refusée")
        AUTOMATIC = "automatique", _("Mise à jour automatique")

    class Field(models.TextChoices):
        SELLING = "selling_price", _("Prix de vente")
        CATALOGUE = "catalogue_price", _("Prix catalogue")
        DISCOUNT = "discount", _("Remise")
        STAFF = "staff_price", _("Prix collaborateur")

    vehicle = models.ForeignKey(Vehicle, on_delete=models.CASCADE, related_name="price_changes")
    field = models.CharField(max_length=20, choices=Field.choices)
    origin = models.CharField(_("origine"), max_length=16, choices=PriceOrigin.choices)
    old_value = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    new_value = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    status = FSMField(
        _("statut"),
        max_length=16,
        choices=Status.choices,
        default=Status.TO_VALIDATE,
        protected=True,
    )
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decision_reason = models.CharField(_("motif"), max_length=500, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["vehicle", "-created_at"], name="price_change_vehicle"),
            models.Index(
                fields=["created_at"],
                condition=models.Q(status="a_valider"),
                name="price_change_to_validate",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.vehicle_id} {self.field}: {self.old_value} → {self.new_value}"

    @transition(field=status, source=Status.TO_VALIDATE, target=Status.VALIDATED)
    def validate(self) -> None:
        pass

    @transition(field=status, source=Status.TO_VALIDATE, target=Status.REFUSED)
    def refuse(self) -> None:
        pass


class VehicleEvent(models.Model):
    """The vehicle history (V-3): append-only, written by vehicle_event_record."""

    class Kind(models.TextChoices):
        CREATED = "created", _("Création")
        STATUS = "status", _("Changement de statut")
        PRICE = "price", _("Prix")
        PRICE_DECISION = "price_decision", _("Validation de prix")
        OPTION = "option", _("Option")
        PUBLICATION = "publication", _("Publication")
        RESERVATION = "reservation", _("Réservation")
        TRANSFER = "transfer", _("Transfert de propriété")
        AUCTION = "auction", _("Enchère")
        OFFER = "offer", _("Offre")
        ORDER = "order", _("Commande")
        ALERT = "alert", _("Alerte de retard")
        UPDATE = "update", _("Modification")

    vehicle = models.ForeignKey(Vehicle, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=24, choices=Kind.choices)
    message = models.CharField(max_length=500)
    data = models.JSONField(default=dict, blank=True)
    at = models.DateTimeField(default=timezone.now)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # The lifeline's log (V-2): set when the vehicle reaches a status (its creation, a
    # move), empty on every other line. The reason of a move is data["reason"].
    from_status = models.CharField(max_length=64, blank=True, default="")
    to_status = models.CharField(max_length=64, blank=True, default="")

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [
            models.Index(fields=["vehicle", "-at"], name="vehicle_event_recent"),
            # The vehicle's status history, oldest first (the lifeline of the vehicle page).
            models.Index(
                fields=["vehicle", "at"],
                condition=~models.Q(to_status=""),
                name="vehicle_event_status",
            ),
        ]

    def __str__(self) -> str:
        return self.message

    @property
    def reason(self) -> str:
        return (self.data or {}).get("reason", "")


class OwnershipTransfer(FSMModelMixin, models.Model):
    """A change of owning point of sale, approved by the transfer manager (V-14)."""

    class Status(models.TextChoices):
        TO_VALIDATE = "a_valider", _("À valider")
        APPROVED = "valide", _("Validé")
        REJECTED = "rejete", _("Rejeté")

    vehicle = models.ForeignKey(Vehicle, on_delete=models.CASCADE, related_name="transfers")
    from_point_of_sale = models.ForeignKey(
        "accounts.PointOfSale", on_delete=models.PROTECT, related_name="+"
    )
    to_point_of_sale = models.ForeignKey(
        "accounts.PointOfSale", on_delete=models.PROTECT, related_name="+"
    )
    automatic = models.BooleanField(_("automatique"), default=False)
    source = models.CharField(_("origine"), max_length=120, blank=True)
    status = FSMField(
        _("statut"),
        max_length=16,
        choices=Status.choices,
        default=Status.TO_VALIDATE,
        protected=True,
    )
    requested_at = models.DateTimeField(default=timezone.now)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reason = models.CharField(_("motif"), max_length=500, blank=True)

    class Meta:
        ordering = ["-requested_at", "-pk"]
        indexes = [models.Index(fields=["status", "from_point_of_sale"], name="transfer_pending")]
        constraints = [
            models.UniqueConstraint(
                fields=["vehicle"],
                condition=models.Q(status="a_valider"),
                name="one_pending_transfer_per_vehicle",
            )
        ]

    def __str__(self) -> str:
        return f"{self.vehicle_id}: {self.from_point_of_sale_id} → {self.to_point_of_sale_id}"

    @transition(field=status, source=Status.TO_VALIDATE, target=Status.APPROVED)
    def approve(self) -> None:
        pass

    @transition(field=status, source=Status.TO_VALIDATE, target=Status.REJECTED)
    def reject(self) -> None:
        pass


class Auction(FSMModelMixin, models.Model):
    """A stock auction for professionals (V-15)."""

    class Status(models.TextChoices):
        PLANNED = "planifiee", _("Planifiée")
        RUNNING = "en_cours", _("En cours")
        WON = "gagnee", _("Gagnée")
        LOST = "perdue", _("Perdue")

    vehicle = models.ForeignKey(Vehicle, on_delete=models.CASCADE, related_name="auctions")
    status = FSMField(
        _("statut"), max_length=16, choices=Status.choices, default=Status.PLANNED, protected=True
    )
    starts_at = models.DateTimeField(_("début"))
    ends_at = models.DateTimeField(_("fin"))
    reserve_price = models.DecimalField(
        _("prix de réserve"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=money_validators,
    )
    winning_bid = models.DecimalField(
        _("enchère gagnante"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    winner = models.CharField(_("acquéreur"), max_length=160, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-starts_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["vehicle"],
                condition=models.Q(status__in=["planifiee", "en_cours"]),
                name="one_open_auction_per_vehicle",
            ),
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")),
                name="auction_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.vehicle_id}: {self.get_status_display()}"

    @transition(field=status, source=Status.PLANNED, target=Status.RUNNING)
    def start(self) -> None:
        pass

    @transition(field=status, source=Status.RUNNING, target=Status.WON)
    def win(self) -> None:
        pass

    @transition(field=status, source=[Status.PLANNED, Status.RUNNING], target=Status.LOST)
    def lose(self) -> None:
        pass


# The sub-domains' own models, registered in this app (label "vehicles", its migrations).
from .delays.models import DelayNotice  # noqa: E402
from .stock.models import SavedSearch, StockListPreference  # noqa: E402

__all__ = [
    "STANDARD_POSITIONS",
    "ZERO",
    "Auction",
    "DelayNotice",
    "Destination",
    "Energy",
    "Genre",
    "LifelineStatus",
    "OwnershipTransfer",
    "Parc",
    "PriceChange",
    "PriceOrigin",
    "ReservationKind",
    "SavedSearch",
    "StandardStatus",
    "StatusMaxStay",
    "StockListPreference",
    "Vehicle",
    "VehicleEvent",
    "VehicleOption",
    "money_validators",
    "vin_validator",
]
