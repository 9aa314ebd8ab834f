"""Side effects of trade-ins handed to the outbox (X-1): database-only, exactly once."""

from openflex.outbox.registry import effect_kind
from opportunities.tradeins.services import (
    NOTIFY_DECISION,
    NOTIFY_VALIDATORS,
    tradein_notify_decision,
    tradein_notify_validators,
)


@effect_kind(NOTIFY_VALIDATORS, atomic=True)
def notify_validators(payload: dict) -> int:
    return tradein_notify_validators(trade_in_id=payload["trade_in_id"])


@effect_kind(NOTIFY_DECISION, atomic=True)
def notify_decision(payload: dict) -> int:
    return tradein_notify_decision(trade_in_id=payload["trade_in_id"])
