"""Hardening of raw request values that do not go through a form (X-4: never a 500)."""

import re
import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

REASON_MAX_LENGTH = 500  # every "motif" of a decision: orders, trade-ins, reservations, stock

_ID = re.compile(r"[0-9]{1,18}")
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


BRAND_KEY_MAX_LENGTH = 120
_SPACES = re.compile(r"\s+")


def brand_key(value) -> str:
    """The one key under which brands (or any short name people type) compare: Unicode
    case folding, accents stripped, runs of spaces collapsed, trimmed; "Citroën",
    "CITROËN" and " citroen " are all ``"citroen"``. Computed in Python and stored (e.g.
    ``TradeIn.brand_key``) so that the database compares plain strings whatever its
    ``UPPER`` or collation knows of Unicode (SQLite's is ASCII-only)."""
    text = unicodedata.normalize("NFKD", str(value or "").casefold())
    text = "".join(c for c in text if not unicodedata.combining(c))
    return _SPACES.sub(" ", unicodedata.normalize("NFC", text)).strip()[:BRAND_KEY_MAX_LENGTH]


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


def reason_clean(
    value, *, required: bool = False, field: str = "reason", required_message: str = ""
) -> str:
    """The one rule for a decision's reason ("motif"), for every service that takes one:
    trimmed; a NUL byte (PostgreSQL refuses them) or more than ``REASON_MAX_LENGTH``
    characters is a message on ``field``, not a 500; ``required``: an empty reason too."""
    reason = (value or "").strip()
    if "\x00" in reason:
        raise ValidationError({field: _("Le motif contient un caractère invalide.")})
    if required and not reason:
        raise ValidationError({field: required_message or _("Indiquez le motif.")})
    if len(reason) > REASON_MAX_LENGTH:
        raise ValidationError(
            {field: _("Le motif ne peut pas dépasser %(n)s caractères.") % {"n": REASON_MAX_LENGTH}}
        )
    return reason
