"""The stock list's per-user state (V-4, V-5), registered in the vehicles app by
vehicles.models."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class SavedSearch(models.Model):
    """A user's saved stock-list search: filters, sort and columns (V-5)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="vehicle_searches"
    )
    name = models.CharField(_("nom"), max_length=80)
    query = models.CharField(_("recherche"), max_length=2000, blank=True)
    is_default = models.BooleanField(_("recherche par défaut"), default=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["user", "name"], name="saved_search_name_unique"),
            models.UniqueConstraint(
                fields=["user"], condition=models.Q(is_default=True), name="one_default_search"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class StockListPreference(models.Model):
    """The columns a user shows in the stock list (V-4)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="stock_list_preference"
    )
    columns = models.JSONField(default=list)

    def __str__(self) -> str:
        return f"{self.user_id}: {len(self.columns)} colonnes"
