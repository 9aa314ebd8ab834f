"""Pre-entry reservation of used vehicles (V-11)."""

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, FSMModelMixin, transition

from opportunities.fields import user_fk
from opportunities.sales.models import Offer, Opportunity


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
