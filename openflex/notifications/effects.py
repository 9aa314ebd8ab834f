"""Side effects that notifications hand to the outbox (X-1)."""

from openflex.outbox.registry import effect_kind

from .services import EMAIL_EFFECT, MAX_DELIVERY_ATTEMPTS, email_deliver, email_fail


def _give_up(payload: dict, error: str) -> None:
    email_fail(email_id=payload["email_id"], error=error)


@effect_kind(EMAIL_EFFECT, max_attempts=MAX_DELIVERY_ATTEMPTS, on_failure=_give_up)
def deliver(payload: dict) -> bool:
    return email_deliver(email_id=payload["email_id"])
