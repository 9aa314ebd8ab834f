"""Financing requests (V-13): from a validated VO/VD offer to the agreement in principle."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from opportunities.financing import selectors as financing_selectors
from opportunities.financing import services as financing_services
from opportunities.financing.models import FinancingRequest
from opportunities.financing.providers import ProviderError, SandboxProvider
from opportunities.sales.models import OpportunityEvent
from tests.opportunities.financing.conftest import applicant
from tests.vehicles.factories import VehicleFactory
from vehicles.models import Parc

pytestmark = pytest.mark.django_db
D = Decimal
S = FinancingRequest.Status


def _request(offer, by, capture, **kwargs):
    terms = {
        "amount": D("15000"),
        "down_payment": D("3000"),
        "duration_months": 48,
        "annual_rate": D("4.9"),
        "applicant": applicant(),
    }
    terms.update(kwargs)
    with capture(execute=True) as callbacks:
        request = financing_services.financing_request_create(offer=offer, by=by, **terms)
    return request, callbacks


def test_favourable_end_to_end(validated_offer, seller, django_capture_on_commit_callbacks):
    request, callbacks = _request(validated_offer, seller, django_capture_on_commit_callbacks)
    assert len(callbacks) == 1
    request.refresh_from_db()
    # 12 000 € at 4,9 % over 48 months: 275,81 €; (500 + 275,81) / 3 000 = 25,9 % ≤ 33 %.
    assert request.monthly_payment == D("275.81")
    assert request.status == S.FAVOURABLE
    assert request.provider_reference == f"CGI-SBX-{request.pk:08d}"
    assert "favorable" in request.answer_message
    assert request.answered_at is not None
    messages = list(
        OpportunityEvent.objects.filter(opportunity=validated_offer.opportunity).values_list(
            "message", flat=True
        )
    )
    assert any("transmise à CGI (bac à sable)" in m for m in messages)
    assert any("accord de principe favorable" in m for m in messages)


def test_unfavourable_by_debt_ratio(validated_offer, seller, django_capture_on_commit_callbacks):
    request, _ = _request(
        validated_offer,
        seller,
        django_capture_on_commit_callbacks,
        applicant=applicant(income="2000", charges="500"),  # (500 + 275,81) / 2 000 = 38,8 %
    )
    request.refresh_from_db()
    assert request.status == S.UNFAVOURABLE
    assert "38,8 %" in request.answer_message
    assert request.provider_reference


def test_debt_ratio_limit_is_inclusive(validated_offer):
    request = FinancingRequest(pk=7, monthly_payment=D("330.00"))
    request.applicant = {"monthly_income": "1000", "monthly_charges": "0"}
    assert SandboxProvider().request(request).favourable
    request.monthly_payment = D("330.01")
    assert not SandboxProvider().request(request).favourable


def test_request_is_sent_only_after_commit(
    validated_offer, seller, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        request = financing_services.financing_request_create(
            offer=validated_offer,
            by=seller,
            amount=D("15000"),
            down_payment=D("0"),
            duration_months=60,
            annual_rate=D("5"),
            applicant=applicant(),
        )
    assert len(callbacks) == 1
    request.refresh_from_db()
    assert request.status == S.SENT
    # While one is waiting, no second request.
    with pytest.raises(ValidationError, match="déjà transmis"):
        financing_services.financing_request_create(
            offer=validated_offer,
            by=seller,
            amount=D("15000"),
            down_payment=D("0"),
            duration_months=60,
            annual_rate=D("5"),
            applicant=applicant(),
        )


def test_a_new_request_after_unfavourable_but_not_after_favourable(
    validated_offer, seller, django_capture_on_commit_callbacks
):
    _request(
        validated_offer,
        seller,
        django_capture_on_commit_callbacks,
        applicant=applicant(income="1000"),
    )
    second, _ = _request(validated_offer, seller, django_capture_on_commit_callbacks)
    second.refresh_from_db()
    assert second.status == S.FAVOURABLE
    with pytest.raises(ValidationError, match="accord de principe favorable"):
        _request(validated_offer, seller, django_capture_on_commit_callbacks)


def test_refused_from_an_offer_in_progress(offer, seller, django_capture_on_commit_callbacks):
    with pytest.raises(ValidationError, match="offre validée"):
        _request(offer, seller, django_capture_on_commit_callbacks)
    assert not FinancingRequest.objects.exists()


def test_refused_on_a_vn(opportunity, site, seller, django_capture_on_commit_callbacks):
    from opportunities.sales import services

    vn = VehicleFactory(physical_site=site, parc=Parc.VN, status="stock_vente")
    offer = services.offer_create(opportunity=opportunity, vehicle=vn, by=seller)
    offer = services.offer_validate(offer=offer, by=seller)
    with pytest.raises(ValidationError, match="VO et les VD"):
        _request(offer, seller, django_capture_on_commit_callbacks)


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"annual_rate": D("26")}, "annual_rate"),
        ({"duration_months": 150}, "duration_months"),
        ({"down_payment": D("16000")}, "down_payment"),
        ({"amount": D("0")}, "amount"),
        ({"applicant": applicant(income="-1")}, "monthly_income"),
        ({"applicant": applicant(last_name="")}, "last_name"),
        ({"applicant": applicant(birth_date=None)}, "birth_date"),
        ({"applicant": applicant(employment="astronaute")}, "employment"),
    ],
)
def test_bad_request_input_writes_nothing(
    validated_offer, seller, django_capture_on_commit_callbacks, kwargs, field
):
    with pytest.raises(ValidationError) as exc:
        _request(validated_offer, seller, django_capture_on_commit_callbacks, **kwargs)
    assert field in exc.value.message_dict
    assert not FinancingRequest.objects.exists()
    assert not OpportunityEvent.objects.filter(message__contains="financement").exists()


def test_minor_applicant_refused(validated_offer, seller, django_capture_on_commit_callbacks):
    from django.utils import timezone

    today = timezone.localdate()
    with pytest.raises(ValidationError) as exc:
        _request(
            validated_offer,
            seller,
            django_capture_on_commit_callbacks,
            applicant=applicant(birth_date=today.replace(year=today.year - 17)),
        )
    assert "majeur" in exc.value.message_dict["birth_date"][0]


def test_provider_failure_retries_then_ends_in_error(
    validated_offer, seller, django_capture_on_commit_callbacks, monkeypatch
):
    from django.utils import timezone

    from openflex.outbox.models import Effect
    from openflex.outbox.services import effect_run

    def boom(self, request):
        raise ProviderError("down")

    monkeypatch.setattr(SandboxProvider, "request", boom)
    with django_capture_on_commit_callbacks(execute=False):
        request = financing_services.financing_request_create(
            offer=validated_offer,
            by=seller,
            amount=D("15000"),
            down_payment=D("0"),
            duration_months=48,
            annual_rate=D("4.9"),
            applicant=applicant(),
        )
    key = f"financing-request:{request.pk}"
    for attempt in range(1, financing_services.SEND_ATTEMPTS):
        assert effect_run(key=key) == Effect.Status.PENDING  # retried with backoff
        effect = Effect.objects.get(key=key)
        assert effect.attempts == attempt and "down" in effect.error
        assert effect.available_at > timezone.now()
        request.refresh_from_db()
        assert request.status == S.SENT
        Effect.objects.filter(key=key).update(available_at=timezone.now())
    assert effect_run(key=key) == Effect.Status.FAILED
    request.refresh_from_db()
    assert request.status == S.ERROR
    assert "refaites la demande" in request.answer_message
    # An error allows a new request.
    assert financing_selectors.financing_request_refusal(offer=validated_offer) is None


def test_answer_is_recorded_once(validated_offer, seller, django_capture_on_commit_callbacks):
    request, _ = _request(validated_offer, seller, django_capture_on_commit_callbacks)
    again = financing_services.financing_request_send(request_id=request.pk)
    assert again.status == S.FAVOURABLE
    assert (
        OpportunityEvent.objects.filter(
            opportunity=validated_offer.opportunity, message__contains="favorable"
        ).count()
        == 1
    )


def test_status_is_protected(validated_offer, seller, django_capture_on_commit_callbacks):
    request, _ = _request(validated_offer, seller, django_capture_on_commit_callbacks)
    request.refresh_from_db()
    with pytest.raises(AttributeError):
        request.status = S.SENT
