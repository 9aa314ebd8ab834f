"""Every write on the stock. Each service locks, checks, transitions, saves and records.

Split by concern; the public services are re-exported here, so that the other apps
import them from ``vehicles.services`` whatever module they live in. The delay alerts'
services live with their sub-domain (``vehicles.delays.services``), the stock list's
saved searches with theirs (``vehicles.stock.services``).
"""

from .auctions import auction_close, auction_create, auction_start
from .base import REASON_MAX_LENGTH, VEHICLE_CONFIGURATION, vehicle_get_locked
from .events import vehicle_event_record
from .lifeline import (
    lifeline_status_create,
    lifeline_status_move,
    lifeline_status_update,
    max_stays_save,
    standard_statuses_ensure,
    vehicle_status_change,
    vehicle_status_follow_sale,
)
from .prices import (
    PRICE_FIELDS,
    price_change_refuse,
    price_change_validate,
    user_can_validate_prices,
    vehicle_prices_update,
)
from .publication import (
    publication_criteria,
    vehicle_monthly_payment_set,
    vehicle_publication_refresh,
    vehicle_publication_request,
    vehicle_reservation_set,
)
from .transfers import transfer_approve, transfer_can_decide, transfer_reject, transfer_request
from .vehicles import IDENTITY_FIELDS, vehicle_create, vehicle_option_add, vehicle_update

__all__ = [
    "IDENTITY_FIELDS",
    "PRICE_FIELDS",
    "REASON_MAX_LENGTH",
    "VEHICLE_CONFIGURATION",
    "auction_close",
    "auction_create",
    "auction_start",
    "lifeline_status_create",
    "lifeline_status_move",
    "lifeline_status_update",
    "max_stays_save",
    "price_change_refuse",
    "price_change_validate",
    "publication_criteria",
    "standard_statuses_ensure",
    "transfer_approve",
    "transfer_can_decide",
    "transfer_reject",
    "transfer_request",
    "user_can_validate_prices",
    "vehicle_create",
    "vehicle_event_record",
    "vehicle_get_locked",
    "vehicle_monthly_payment_set",
    "vehicle_option_add",
    "vehicle_prices_update",
    "vehicle_publication_refresh",
    "vehicle_publication_request",
    "vehicle_reservation_set",
    "vehicle_status_change",
    "vehicle_status_follow_sale",
    "vehicle_update",
]
