"""The sale side's fixtures (a point of sale, its team, a customer, a draft order ready to
send) and the helpers of the e-signature journeys (S-1 … S-8)."""

import re

import pytest

from signatures.models import SignatureRequest, SmsMessage
from signatures.requests import services as requests
from tests.opportunities.conftest import (  # noqa: F401 — the fixtures, shared
    car,
    customer,
    draft_order,
    manager,
    offer,
    opportunity,
    pos,
    ready_order,
    secretary,
    seller,
    site,
    validated_offer,
)

CLIENT = requests.Client(ip="203.0.113.7", user_agent="pytest tablet")


def code_from_sms(signature_request: SignatureRequest) -> str:
    """The 6-digit code of the last SMS sent for ``signature_request`` (the SMS outbox)."""
    message = (
        SmsMessage.objects.filter(reference=f"signature_request:{signature_request.pk}")
        .order_by("-created_at", "-pk")
        .first()
    )
    assert message is not None, "no SMS was recorded"
    return re.search(r"\b(\d{6})\b", message.body).group(1)


def customer_signs(signature_request: SignatureRequest) -> SignatureRequest:
    """The customer asks for a code, reads it from the SMS outbox and signs."""
    assert requests.signature_code_send(request=signature_request, client=CLIENT).ok
    outcome = requests.signature_request_sign(
        request=signature_request, code=code_from_sms(signature_request), client=CLIENT
    )
    assert outcome.ok, outcome.error
    return SignatureRequest.objects.get(pk=signature_request.pk)


@pytest.fixture
def sent_order(ready_order, seller, django_capture_on_commit_callbacks):  # noqa: F811
    """A draft order sent for e-signature by its salesperson (who lacks the right)."""
    from opportunities.sales import services

    with django_capture_on_commit_callbacks(execute=True):
        return services.order_submit(order=ready_order, by=seller, signature_mode="electronique")
