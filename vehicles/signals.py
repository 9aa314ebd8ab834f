"""Signals through which other modules react to the stock without vehicles importing them."""

from django.dispatch import Signal

# Sent inside the transaction of vehicle_status_change: vehicle, from_status, to_status, by.
status_changed = Signal()
# Sent inside the transaction of transfer_approve / transfer_reject: transfer, by.
transfer_decided = Signal()
