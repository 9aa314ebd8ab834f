"""Hardening of raw request values that do not go through a form (X-4: never a 500)."""

import re

_ID = re.compile(r"[0-9]{1,18}")
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def parse_id(value) -> int | None:
    """An ASCII decimal id, or None ("²".isdigit() is True; int("²") fails)."""
    if isinstance(value, str) and _ID.fullmatch(value):
        return int(value)
    return None


def clean_text(value, max_length: int = 200) -> str:
    """A search box's text without NUL bytes (PostgreSQL refuses them), trimmed."""
    return (value or "").replace("\x00", "").strip()[:max_length]


def xml_text(value) -> str:
    """Text without the characters that XML 1.0 forbids."""
    return _XML_INVALID.sub("", value)
