"""The kinds of side effects: each app declares its own in ``<app>/effects.py``."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta


@dataclass(frozen=True)
class EffectKind:
    name: str
    handler: Callable[[dict], object]  # runs outside any transaction; must be idempotent
    max_attempts: int = 5
    # Called once, in a transaction, when the last attempt failed: (payload, error text).
    on_failure: Callable[[dict, str], None] | None = None
    # Effects that only write to this database (notifications, email records) run in the
    # transaction that marks them done: exactly once. The others (SMTP, providers) run
    # outside any transaction: at least once, made harmless by their own idempotency.
    atomic: bool = False


_kinds: dict[str, EffectKind] = {}


def effect_kind(
    name: str,
    *,
    max_attempts: int = 5,
    on_failure: Callable[[dict, str], None] | None = None,
    atomic: bool = False,
) -> Callable:
    """Decorator: ``@effect_kind("email.deliver")`` over ``def handler(payload) -> …``."""

    def register(handler: Callable[[dict], object]) -> Callable[[dict], object]:
        _kinds[name] = EffectKind(name, handler, max_attempts, on_failure, atomic)
        return handler

    return register


def kind_get(name: str) -> EffectKind:
    try:
        return _kinds[name]
    except KeyError:
        raise LookupError(
            f"unknown side effect kind {name!r}: declare it in <app>/effects.py"
        ) from None


def backoff(attempts: int) -> timedelta:
    """30 s, 1 min, 2 min … capped at one hour."""
    return timedelta(seconds=min(30 * 2 ** max(attempts - 1, 0), 3600))
