"""E-reservation (P-8): an internet user blocks a published vehicle for a limited time by
paying online. The group-wide settings (duration, amount) and the reservation itself.

The vehicle carries the visible state — ``reservation_kind = "client"`` ("Réservé par un
client") and ``reservation_ends_at`` — through ``vehicles.services.vehicle_reservation_set``,
the existing reservation mechanism: the stock list's filter and columns, the export and
the publication criterion read it. At most one active e-reservation per vehicle: the
partial unique constraint backs the vehicle row lock (two internet users paying at once).
"""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, FSMModelMixin, transition


class EReservationSettings(models.Model):
    """Group-wide e-reservation parameters (one row, Paramètres > Opportunités)."""

    enabled = models.BooleanField(
        _("proposer la e-réservation sur les annonces"),
        default=False,
        help_text=_(
            "Un internaute bloque un véhicule publié en payant en ligne, là où le e-paiement "
            "est configuré pour le point de vente du véhicule."
        ),
    )
    duration_hours = models.PositiveIntegerField(
        _("durée de la réservation (heures)"),
        default=48,
        validators=[MinValueValidator(1), MaxValueValidator(720)],
    )
    amount = models.DecimalField(
        _("montant de la e-réservation (€ TTC)"),
        max_digits=8,
        decimal_places=2,
        default=Decimal("500.00"),
        validators=[MinValueValidator(Decimal("1.00")), MaxValueValidator(Decimal("10000.00"))],
    )
    updated_at = models.DateTimeField(_("modifié le"), null=True, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("modifié par"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("paramètres de la e-réservation")

    def __str__(self) -> str:
        return str(_("Paramètres de la e-réservation"))

    @classmethod
    def current(cls) -> "EReservationSettings":
        obj, _created = cls.objects.get_or_create(pk=1)
        return obj


class EReservation(FSMModelMixin, models.Model):
    """A paid e-reservation holding a vehicle until ``ends_at``."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("En cours")
        EXPIRED = "expiree", _("Expirée")
        ORDERED = "commandee", _("Transformée en commande")
        ENDED = "terminee", _("Terminée")

    payment = models.OneToOneField(
        "payments.Payment",
        verbose_name=_("e-paiement"),
        on_delete=models.PROTECT,
        related_name="ereservation",
    )
    vehicle = models.ForeignKey(
        "vehicles.Vehicle",
        verbose_name=_("véhicule"),
        on_delete=models.PROTECT,
        related_name="ereservations",
    )
    # The order of the same customer that took the vehicle over (its cancellation makes
    # the e-reservation's payment "à rembourser").
    order = models.ForeignKey(
        "opportunities.Order",
        verbose_name=_("commande"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="ereservations",
    )
    status = FSMField(
        _("statut"), max_length=10, choices=Status.choices, default=Status.ACTIVE, protected=True
    )
    starts_at = models.DateTimeField(_("réservé le"), default=timezone.now)
    ends_at = models.DateTimeField(_("fin"))
    ended_at = models.DateTimeField(_("terminée le"), null=True, blank=True)
    end_reason = models.CharField(_("motif de fin"), max_length=500, blank=True)

    class Meta:
        ordering = ["-starts_at", "-pk"]
        verbose_name = _("e-réservation")
        constraints = [
            models.UniqueConstraint(
                fields=["vehicle"],
                condition=Q(status="active"),
                name="ereservation_one_active_per_vehicle",
            )
        ]
        indexes = [
            models.Index(
                fields=["ends_at"], condition=Q(status="active"), name="ereservation_expiry"
            ),
            models.Index(fields=["order"], name="ereservation_order"),
        ]

    def __str__(self) -> str:
        return f"e-Réservation n° {self.pk}"

    @transition(field=status, source=Status.ACTIVE, target=Status.EXPIRED)
    def expire(self) -> None:
        pass

    @transition(field=status, source=Status.ACTIVE, target=Status.ORDERED)
    def take_over(self) -> None:
        pass

    @transition(field=status, source=Status.ACTIVE, target=Status.ENDED)
    def end(self) -> None:
        pass
