"""Promotional operations (S-3): they shorten the expiry of an order form's signature."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from vehicles.models import Parc


class PromotionalOperation(models.Model):
    """An operation applies to the vehicles listed, or to every vehicle matching its
    criteria (brand, parc; an empty criterion matches all), between ``starts_on`` and
    ``ends_on`` (inclusive; no end: open-ended)."""

    name = models.CharField(_("nom"), max_length=120)
    starts_on = models.DateField(_("début"))
    ends_on = models.DateField(_("fin"), null=True, blank=True)
    cumulative = models.BooleanField(
        _("cumulable"),
        default=True,
        help_text=_("Cumulable avec les autres opérations en cours sur le même véhicule."),
    )
    vehicles = models.ManyToManyField(
        "vehicles.Vehicle", verbose_name=_("véhicules"), blank=True, related_name="+"
    )
    brand = models.CharField(_("marque"), max_length=60, blank=True)
    parc = models.CharField(_("parc"), max_length=2, choices=Parc.choices, blank=True)
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )

    class Meta:
        ordering = ["-starts_on", "name", "pk"]
        verbose_name = _("opération promotionnelle")
        verbose_name_plural = _("opérations promotionnelles")
        indexes = [
            models.Index(fields=["starts_on", "ends_on"], name="promo_period"),
            models.Index(fields=["-starts_on", "name", "id"], name="promo_list"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="promo_end_after_start",
            )
        ]

    def __str__(self) -> str:
        return self.name
