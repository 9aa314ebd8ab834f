"""Trade-ins with photos, history and validators' saved filters (O-8)."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, FSMModelMixin, transition

from openflex.core.images import random_name
from openflex.core.inputs import BRAND_KEY_MAX_LENGTH
from opportunities.customers.models import Customer
from opportunities.fields import money_field, user_fk
from opportunities.sales.models import Offer, Opportunity


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
    # ``brand_key(brand)`` (openflex.core.inputs), set by the services: the brand filter,
    # the validators' saved filters and the routing compare on it, in plain SQL. No index
    # of its own: it only narrows the pending requests that the status and point-of-sale
    # indexes already find.
    brand_key = models.CharField(
        _("marque (clé de comparaison)"),
        max_length=BRAND_KEY_MAX_LENGTH,
        blank=True,
        default="",
        editable=False,
    )
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


def tradein_photo_name(instance, filename: str) -> str:
    """A random name (never the uploader's), through the configured storage."""
    return random_name("tradeins", filename)


class TradeInPhoto(models.Model):
    """A photo re-encoded by ``openflex.core.images`` (JPEG, PNG with transparency) and
    its thumbnail, served only through the trade-in's photo view (scope checked)."""

    trade_in = models.ForeignKey(TradeIn, on_delete=models.CASCADE, related_name="photos")
    image = models.FileField(_("photo"), upload_to=tradein_photo_name, max_length=200)
    thumbnail = models.FileField(
        _("miniature"), upload_to=tradein_photo_name, max_length=200, blank=True
    )
    # Of the re-encoded file; empty for the photos stored before re-encoding (#12).
    content_type = models.CharField(max_length=20, blank=True)
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
    # Brand keys (``brand_key``), compared with ``TradeIn.brand_key``.
    brands = models.JSONField(_("marques"), default=list, blank=True)
    methods = models.JSONField(_("modes de création"), default=list, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("filtres de valideur de reprises")

    def __str__(self) -> str:
        return f"Filtres de {self.user_id}"
