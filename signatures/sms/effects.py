"""The SMS side effect handed to the outbox (X-1, S-7)."""

from openflex.outbox.registry import effect_kind
from signatures.sms.services import MAX_DELIVERY_ATTEMPTS, SMS_EFFECT, sms_deliver, sms_fail


def _give_up(payload: dict, error: str) -> None:
    sms_fail(sms_id=payload["sms_id"], error=error)


@effect_kind(SMS_EFFECT, max_attempts=MAX_DELIVERY_ATTEMPTS, on_failure=_give_up)
def deliver(payload: dict) -> bool:
    return sms_deliver(sms_id=payload["sms_id"])
