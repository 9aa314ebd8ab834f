"""Side effects that accounts hand to the outbox (X-1)."""

from openflex.outbox.registry import effect_kind

from .services import RESET_EMAIL_EFFECT, password_reset_send


# Only database rows (the email record and its own delivery effect): exactly once.
@effect_kind(RESET_EMAIL_EFFECT, atomic=True)
def password_reset(payload: dict) -> int:
    return password_reset_send(email=payload["email"])
