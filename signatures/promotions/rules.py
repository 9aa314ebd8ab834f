"""The expiry rule of S-3, as a pure function (no database).

The delay set in the settings gives the last day to sign; for an order form, the
promotional operations running on the vehicle shorten it:

- an operation with no end date leaves the delay as set;
- one whose end falls after the delay leaves it too;
- one whose end falls before the delay sets the expiry to that end (the price of the
  order relies on it: once over, the offer is no longer honoured);
- with several cumulative operations, the nearest end wins (each one is in the price).

Decided where the spec is silent (docs/decisions.md): non-cumulative operations are
exclusive — the order benefits from one of them only, and we cannot tell which, so the
one lasting longest is the one that counts (the customer is never cut short by an
operation that the deal may not rely on); it then combines with the cumulative ones
like any other (nearest end wins). An end on the day of the delay changes nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta


@dataclass(frozen=True)
class OperationEnd:
    ends_on: date | None
    cumulative: bool = True


def _exclusive_end(operations: list[OperationEnd]) -> date | None:
    """The end that counts among the non-cumulative operations: the latest (None when one
    of them has no end: it never shortens the delay)."""
    ends = [op.ends_on for op in operations]
    if not ends or any(end is None for end in ends):
        return None
    return max(ends)


def signature_expiry_date(
    *, start: date, delay_days: int, operations: Iterable[OperationEnd] = ()
) -> date:
    """The last day the customer may sign (inclusive)."""
    deadline = start + timedelta(days=delay_days)
    operations = list(operations)
    ends = [op.ends_on for op in operations if op.cumulative and op.ends_on is not None]
    exclusive = _exclusive_end([op for op in operations if not op.cumulative])
    if exclusive is not None:
        ends.append(exclusive)
    # An operation already over on the start day cannot be relied on: it is not running,
    # the selector does not pass it; the rule still never goes before the start.
    shortening = [end for end in ends if end < deadline]
    if not shortening:
        return deadline
    return max(min(shortening), start)
