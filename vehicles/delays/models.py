"""The delay scan's memory (V-9), registered in the vehicles app by vehicles.models."""

from django.db import models
from django.utils import timezone


class DelayNotice(models.Model):
    """The periodic scan notified this vehicle's lateness for this status stay (V-9).

    Kept apart from the vehicle (a narrow table, no index churn on the stock table):
    a vehicle is "newly late" when it is late and has no notice for its current stay.
    """

    vehicle = models.OneToOneField(
        "vehicles.Vehicle",
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="delay_notice",
    )
    status_changed_at = models.DateTimeField()
    notified_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.vehicle_id} @ {self.status_changed_at:%Y-%m-%d}"
