"""Additional products: delivery packs, services, accessories (V-10)."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from opportunities.fields import money_field


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
