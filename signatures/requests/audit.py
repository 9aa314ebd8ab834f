"""The hash chain of a request's audit trail (S-6).

Each event's hash is the SHA-256 of its canonical content (sequence number, kind, time,
message, statuses, IP, user agent, data) and of the previous event's hash. The request
keeps the head (last hash and count), so a deleted last event is detected as well as a
changed or deleted one in the middle. Pure functions: no database.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable


def _canonical(event) -> bytes:
    content = {
        "request": event.request_id,
        "seq": event.seq,
        "kind": event.kind,
        "at": event.at.isoformat(timespec="microseconds"),
        "message": event.message,
        "from": event.from_status,
        "to": event.to_status,
        "ip": event.ip or "",
        "ua": event.user_agent,
        "by": event.by_id,
        "data": event.data,
        "previous": event.previous_hash,
    }
    return json.dumps(content, sort_keys=True, separators=(",", ":"), default=str).encode()


def event_hash(event) -> str:
    return hashlib.sha256(_canonical(event)).hexdigest()


def audit_chain_problems(events: Iterable, *, head: str, count: int) -> list[str]:
    """What is wrong with the chain (empty list: intact). ``events`` in ``seq`` order."""
    problems = []
    previous = ""
    expected_seq = 1
    seen = 0
    for event in events:
        seen += 1
        if event.seq != expected_seq:
            problems.append(f"event {expected_seq} missing (found {event.seq})")
            expected_seq = event.seq
        if event.previous_hash != previous:
            problems.append(f"event {event.seq}: previous hash does not match")
        if event_hash(event) != event.hash:
            problems.append(f"event {event.seq}: content changed")
        previous = event.hash
        expected_seq += 1
    if seen != count:
        problems.append(f"{count} events recorded, {seen} found")
    if previous != head:
        problems.append("last event does not match the recorded head")
    return problems
