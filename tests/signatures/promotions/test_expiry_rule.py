"""S-3: the expiry rule with promotional operations, table-driven (pure function)."""

from datetime import date

import pytest

from signatures.promotions.rules import OperationEnd, signature_expiry_date

START = date(2026, 3, 2)
DELAY = 10  # → 12/03/2026


@pytest.mark.parametrize(
    ("case", "operations", "expected"),
    [
        ("no operation", [], date(2026, 3, 12)),
        ("S-3 no end date → delay as set", [OperationEnd(None)], date(2026, 3, 12)),
        (
            "S-3 end after the delay → delay as set",
            [OperationEnd(date(2026, 3, 20))],
            date(2026, 3, 12),
        ),
        ("S-3 end before the delay → that end", [OperationEnd(date(2026, 3, 7))], date(2026, 3, 7)),
        ("end on the delay's day → delay", [OperationEnd(date(2026, 3, 12))], date(2026, 3, 12)),
        (
            "S-3 several cumulative → the nearest end",
            [
                OperationEnd(date(2026, 3, 9)),
                OperationEnd(date(2026, 3, 5)),
                OperationEnd(None),
                OperationEnd(date(2026, 3, 30)),
            ],
            date(2026, 3, 5),
        ),
        (
            "non-cumulative: the longest-lasting counts",
            [OperationEnd(date(2026, 3, 5), False), OperationEnd(date(2026, 3, 8), False)],
            date(2026, 3, 8),
        ),
        (
            "non-cumulative without end never shortens",
            [OperationEnd(date(2026, 3, 5), False), OperationEnd(None, False)],
            date(2026, 3, 12),
        ),
        (
            "non-cumulative combined with a cumulative one: nearest end",
            [OperationEnd(date(2026, 3, 8), False), OperationEnd(date(2026, 3, 6), True)],
            date(2026, 3, 6),
        ),
    ],
    ids=lambda v: v if isinstance(v, str) else "",
)
def test_expiry_rule(case, operations, expected):
    assert signature_expiry_date(start=START, delay_days=DELAY, operations=operations) == expected


def test_an_end_before_the_start_never_goes_back_in_time():
    ops = [OperationEnd(date(2026, 3, 1))]
    assert signature_expiry_date(start=START, delay_days=DELAY, operations=ops) == START
