"""S-1: SMS codes — single use, 10-minute lifetime, at most 5 checks per code (then a new
code is needed), at most 5 sends per hour per request. A frozen clock (``now=``)."""

import re
from datetime import timedelta

import pytest

from signatures.requests import services
from signatures.requests.models import SignatureRequest
from signatures.sms.models import SmsMessage
from tests.signatures.factories import make_request
from tests.vehicles.factories import local_days_ago

pytestmark = pytest.mark.django_db
CLIENT = services.Client(ip="203.0.113.9", user_agent="Test")


def _code(request) -> str:
    body = SmsMessage.objects.filter(reference=f"signature_request:{request.pk}").latest("pk").body
    return re.search(r"\b(\d{6})\b", body).group(1)


def _wrong(code: str) -> str:
    return "123456" if code != "123456" else "654321"


@pytest.fixture
def t0():
    return local_days_ago(0)


def test_a_code_expires_after_10_minutes(t0):
    request = make_request(send=False, now=t0)
    services.signature_code_send(request=request, client=CLIENT, now=t0)
    code = _code(request)
    late = t0 + timedelta(minutes=10, seconds=1)
    outcome = services.signature_request_sign(request=request, code=code, client=CLIENT, now=late)
    assert not outcome.ok and "expiré" in outcome.error
    in_time = t0 + timedelta(minutes=9, seconds=59)
    assert services.signature_request_sign(
        request=request, code=code, client=CLIENT, now=in_time
    ).ok


def test_five_checks_then_the_code_is_blocked(t0):
    request = make_request(send=False, now=t0)
    services.signature_code_send(request=request, client=CLIENT, now=t0)
    code = _code(request)
    for _attempt in range(5):
        outcome = services.signature_request_sign(
            request=request, code=_wrong(code), client=CLIENT, now=t0
        )
        assert not outcome.ok
    assert "bloqué" in outcome.error
    # Even the right code no longer works: a new one is needed.
    outcome = services.signature_request_sign(request=request, code=code, client=CLIENT, now=t0)
    assert not outcome.ok and "bloqué" in outcome.error
    services.signature_code_send(request=request, client=CLIENT, now=t0 + timedelta(minutes=1))
    fresh = _code(request)
    assert services.signature_request_sign(
        request=request, code=fresh, client=CLIENT, now=t0 + timedelta(minutes=2)
    ).ok


def test_a_new_code_supersedes_the_previous_one(t0):
    request = make_request(send=False, now=t0)
    services.signature_code_send(request=request, client=CLIENT, now=t0)
    first = _code(request)
    services.signature_code_send(request=request, client=CLIENT, now=t0 + timedelta(minutes=1))
    second = _code(request)
    if first != second:
        outcome = services.signature_request_sign(
            request=request, code=first, client=CLIENT, now=t0 + timedelta(minutes=2)
        )
        assert not outcome.ok
    assert services.signature_request_sign(
        request=request, code=second, client=CLIENT, now=t0 + timedelta(minutes=2)
    ).ok


def test_a_code_is_single_use(t0):
    request = make_request(send=False, now=t0)
    services.signature_code_send(request=request, client=CLIENT, now=t0)
    code = _code(request)
    assert services.signature_request_sign(request=request, code=code, client=CLIENT, now=t0).ok
    again = services.signature_request_sign(request=request, code=code, client=CLIENT, now=t0)
    assert not again.ok
    request.refresh_from_db()
    assert request.status == SignatureRequest.Status.SIGNED


def test_at_most_five_sends_per_hour(t0):
    request = make_request(send=False, now=t0)
    for minute in range(5):
        at = t0 + timedelta(minutes=minute)
        assert services.signature_code_send(request=request, client=CLIENT, now=at).ok
    refused = services.signature_code_send(
        request=request, client=CLIENT, now=t0 + timedelta(minutes=10)
    )
    assert not refused.ok and "réessayez dans" in refused.error
    assert SmsMessage.objects.filter(reference=f"signature_request:{request.pk}").count() == 5
    # An hour after the first one, a sixth is allowed.
    later = t0 + timedelta(minutes=60, seconds=1)
    assert services.signature_code_send(request=request, client=CLIENT, now=later).ok


def test_no_code_after_the_expiry(t0):
    request = make_request(send=False, now=t0)
    after = request.expires_at + timedelta(seconds=1)
    outcome = services.signature_code_send(request=request, client=CLIENT, now=after)
    assert not outcome.ok and "délai" in outcome.error
