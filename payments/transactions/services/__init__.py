"""The writes of e-payments (``payments.transactions.services``): one module per concern,
re-exported here so that callers import ``services.payment_retry`` & co."""

from payments.transactions.services.checkout import payment_checkout  # noqa: F401
from payments.transactions.services.configuration import (  # noqa: F401
    payment_configuration_remove,
    payment_configuration_save,
)
from payments.transactions.services.core import (  # noqa: F401
    payment_event_record,
    payment_reference,
    payment_transition,
)
from payments.transactions.services.links import (  # noqa: F401
    payment_link_read,
    payment_link_url,
)
from payments.transactions.services.payments import (  # noqa: F401
    order_contact,
    payment_cancel,
    payment_create_for_order,
    payment_create_for_reservation,
    payment_link_resend,
    payment_mark_refunded,
    payment_order_applies,
    payment_order_blockers,
    payment_order_eligible,
    payment_require_refund,
    payment_retry,
)
from payments.transactions.services.provider import (  # noqa: F401
    payment_provider_message_receive,
    payment_provider_refund,
    payment_provider_refund_request,
    payment_provider_result_apply,
    payment_reconcile,
    payments_reconcile_due,
)
