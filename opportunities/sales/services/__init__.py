"""Every write of opportunities, offers and orders (one aggregate), by concern.

``core`` (locks, transitions, event rows) <- ``opportunities`` <- ``offers`` <- ``orders``
<- ``order_flow`` (submission to delivery). Other modules import from this package.
"""

from opportunities.sales.services.core import (  # noqa: F401
    LIVE_ORDER_STATUSES,
    MAX_DELIVERY_DAYS,
    ZERO,
    offer_totals,
    opportunity_event_record,
    opportunity_touch,
    opportunity_win,
    order_event_record,
)
from opportunities.sales.services.offers import (  # noqa: F401
    offer_cancel,
    offer_create,
    offer_duplicate,
    offer_modify,
    offer_signature_cancelled,
    offer_update,
    offer_validate,
    offer_vehicle_notices,
    offer_vehicle_refusal,
    opportunity_for_offer,
)
from opportunities.sales.services.opportunities import (  # noqa: F401
    appointment_create,
    opportunities_cancel_inactive,
    opportunities_neglect_scan,
    opportunity_abandon,
    opportunity_create,
    opportunity_follow_up,
    opportunity_salesperson_change,
    sales_settings_update,
)
from opportunities.sales.services.order_flow import (  # noqa: F401
    TRANSFER_SOURCE,
    order_cancel,
    order_cancellation_confirm,
    order_cancellation_reject,
    order_deliver,
    order_factory_ordered,
    order_modification_withdraw,
    order_modify,
    order_prepare,
    order_refuse,
    order_reservation_refusal,
    order_signature_failed,
    order_signature_signed,
    order_submit,
    order_submit_blockers,
    order_transfer_decided,
    order_validate,
)
from opportunities.sales.services.orders import (  # noqa: F401
    order_create,
    order_payment_errors,
    order_payment_update,
)
