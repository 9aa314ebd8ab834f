"""What the e-signature tells the modules built on it (``signatures.flows``).

``signature_status_changed`` is sent inside the transaction of every status change of a
signature request, after its audit event, with ``request``, ``from_status``,
``to_status`` and ``by`` (None for the customer or an automatic change). Receivers run in
that transaction: what they write commits or rolls back with the request.
"""

from django.dispatch import Signal

signature_status_changed = Signal()
