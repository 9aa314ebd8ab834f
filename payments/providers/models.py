"""The sandbox provider's own books (P-9): what its hosted page decided, per ORDERID.

This table plays the provider's side on this machine: the sandbox page writes it, the
reconciliation job queries it (as it would query the real provider), and nothing of
OpenFlex's payment logic reads it.
"""

from django.db import models
from django.utils import timezone


class SandboxTransaction(models.Model):
    pspid = models.CharField(max_length=60)
    orderid = models.CharField(max_length=40)
    payid = models.CharField(max_length=20, unique=True)
    # The provider's STATUS code (9 paid, 2 refused, 1 cancelled …): data of the
    # simulated provider, not a status of ours.
    provider_status = models.CharField(max_length=4)
    amount_cents = models.PositiveIntegerField()
    currency = models.CharField(max_length=3)
    email = models.EmailField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["pspid", "orderid", "-created_at"], name="sandbox_order")]

    def __str__(self) -> str:
        return f"{self.orderid} {self.payid} {self.provider_status}"
