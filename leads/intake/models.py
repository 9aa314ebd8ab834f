"""Where leads come from (L-1): source categories, sources and their API keys."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class LeadSourceCategory(models.Model):
    """Site web, portail, partenaire, téléphone, campagne, manuel … (editable list)."""

    code = models.SlugField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("nom"), max_length=80)
    position = models.PositiveSmallIntegerField(_("ordre"), default=100)

    class Meta:
        ordering = ["position", "name", "pk"]
        verbose_name = _("catégorie de source")
        verbose_name_plural = _("catégories de sources")

    def __str__(self) -> str:
        return self.name


class LeadSource(models.Model):
    """A website, a portal, a partner … Leads of a source without a point of sale in
    their payload land at its default point of sale."""

    category = models.ForeignKey(
        LeadSourceCategory,
        verbose_name=_("catégorie"),
        on_delete=models.PROTECT,
        related_name="sources",
    )
    name = models.CharField(_("nom"), max_length=120, unique=True)
    default_point_of_sale = models.ForeignKey(
        "accounts.PointOfSale",
        verbose_name=_("point de vente par défaut"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["category__position", "name", "pk"]
        verbose_name = _("source de leads")
        verbose_name_plural = _("sources de leads")

    def __str__(self) -> str:
        return self.name


class ApiKey(models.Model):
    """A key of a source for the lead API: shown once at creation, stored as the SHA-256
    of a 256-bit random secret (a slow hash adds nothing to a secret that cannot be
    guessed), revocable; ``prefix`` lets an administrator tell keys apart."""

    source = models.ForeignKey(
        LeadSource, verbose_name=_("source"), on_delete=models.CASCADE, related_name="api_keys"
    )
    label = models.CharField(_("libellé"), max_length=80, blank=True)
    prefix = models.CharField(_("début de la clé"), max_length=12)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("créée le"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("créée par"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    revoked_at = models.DateTimeField(_("révoquée le"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("dernière utilisation"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("clé d'API")
        verbose_name_plural = _("clés d'API")
        indexes = [
            models.Index(
                fields=["source"], condition=Q(revoked_at__isnull=True), name="apikey_live"
            )
        ]

    def __str__(self) -> str:
        return f"{self.prefix}…"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


MANUAL_SOURCE = "Saisie manuelle"
DEFAULT_CATEGORIES = [
    # code, name, position
    ("site-web", "Site web", 10),
    ("portail", "Portail", 20),
    ("partenaire", "Partenaire", 30),
    ("telephone", "Téléphone", 40),
    ("campagne", "Campagne", 50),
    ("manuel", "Manuel", 60),
]
