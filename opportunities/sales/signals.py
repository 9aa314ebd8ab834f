"""What the sale side tells the modules built on it (e-payment, e-signature).

``order_status_changed`` is sent inside the transaction of every order transition,
after its timeline event, with ``order``, ``from_status``, ``to_status`` and ``by``
(None for automatic changes). Receivers run in that transaction: what they write
commits or rolls back with the order; what leaves it goes through the outbox. The sale
side never imports ``payments`` or ``signatures``: they listen here (and add their
sections to the order page through ``opportunities.sales.order_panels``).
"""

from django.dispatch import Signal

order_status_changed = Signal()
