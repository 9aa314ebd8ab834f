"""What the e-payment tells the modules built on it (e-reservation, e-signature, boards).

``payment_status_changed`` is sent inside the transaction of every payment status change,
after its event row, with ``payment``, ``from_status`` and ``to_status`` (sender
``Payment``). Receivers run in that transaction: what they write commits or rolls back
with the payment; what leaves it goes through the outbox.
"""

from django.dispatch import Signal

payment_status_changed = Signal()
