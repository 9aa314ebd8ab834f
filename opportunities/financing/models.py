"""Financing simulations and requests (V-13)."""

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, FSMModelMixin, transition

from opportunities.fields import money_field, user_fk
from opportunities.sales.models import Offer


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
