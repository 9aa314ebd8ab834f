"""Writes of the intake (L-1): sources and their API keys."""

import hashlib
import secrets
from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from leads.intake.models import ApiKey, LeadSource
from openflex.accounts import rules

KEY_PREFIX = "ofk_"
# last_used_at is written at most once a minute per key: no write per request.
LAST_USED_PRECISION = timedelta(minutes=1)


def api_key_hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def _check_admin(by) -> None:
    if not rules.is_platform_admin(by):
        raise PermissionDenied


@transaction.atomic
def lead_source_save(*, by, source: LeadSource | None = None, **fields) -> LeadSource:
    _check_admin(by)
    source = source or LeadSource()
    for name, value in fields.items():
        setattr(source, name, value)
    source.name = (source.name or "").strip()
    source.full_clean()
    source.save()
    return source


@transaction.atomic
def api_key_create(*, source: LeadSource, by, label: str = "", raw: str = "") -> tuple[ApiKey, str]:
    """``(key, raw secret)``: the secret is shown once and only its SHA-256 is stored.
    ``raw`` is for the demo data only (a known key, ``demo-lead-key``)."""
    if by is not None:
        _check_admin(by)
    raw = raw or KEY_PREFIX + secrets.token_urlsafe(32)
    if ApiKey.objects.filter(key_hash=api_key_hash(raw)).exists():
        raise ValidationError(_("Cette clé existe déjà."))
    key = ApiKey.objects.create(
        source=source,
        label=(label or "").strip()[:80],
        prefix=raw[:12],
        key_hash=api_key_hash(raw),
        created_by=by,
    )
    return key, raw


@transaction.atomic
def api_key_revoke(*, key: ApiKey, by) -> ApiKey:
    _check_admin(by)
    key = ApiKey.objects.select_for_update().get(pk=key.pk)
    if key.revoked_at is None:
        key.revoked_at = timezone.now()
        key.save(update_fields=["revoked_at"])
    return key


def api_key_authenticate(raw: str) -> ApiKey | None:
    """The live key of an active source matching ``raw``, or None (revoked, unknown)."""
    raw = (raw or "").strip()
    if not raw or len(raw) > 200:
        return None
    key = (
        ApiKey.objects.select_related("source__default_point_of_sale")
        .filter(key_hash=api_key_hash(raw), revoked_at__isnull=True, source__is_active=True)
        .first()
    )
    if key is None:
        return None
    now = timezone.now()
    if key.last_used_at is None or key.last_used_at < now - LAST_USED_PRECISION:
        ApiKey.objects.filter(pk=key.pk).update(last_used_at=now)
        key.last_used_at = now
    return key
