"""S-7: the Twilio adapter against a local fake server speaking Twilio's documented
protocol (POST /2010-04-01/Accounts/{sid}/Messages.json, Basic auth, form body; 201 with
``sid``; JSON errors ``{code, message, status}``): authentication, errors, retries.

Protocol as documented in twilio/twilio-go ``rest/api/v2010/docs/AccountsMessagesApi.md``
(CreateMessage: ``Post /2010-04-01/Accounts/{AccountSid}/Messages.json``, parameters
``To``, ``From`` / ``MessagingServiceSid``, ``Body``) and Twilio's curl examples
(``-u AccountSid:AuthToken``, answer ``{"sid": "SM…", "status": "accepted"|"queued"}``)."""

import base64
import json
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from openflex.outbox.models import Effect
from openflex.outbox.services import effect_run
from signatures.sms.backends import (
    SmsPermanentError,
    SmsTransientError,
    TwilioBackend,
    sms_backend,
)
from signatures.sms.models import SmsMessage
from signatures.sms.services import sms_send
from signatures.sms.signals import sms_failed

SID = "AC0123456789abcdef0123456789abcdef"
TOKEN = "secret-token"


class FakeTwilio(BaseHTTPRequestHandler):
    script: list = []  # answers to give, in order: (status, body dict, headers)
    received: list = []

    def log_message(self, *args):
        pass

    def do_POST(self):
        length = int(self.headers.get("Content-Length", 0))
        body = urllib.parse.parse_qs(self.rfile.read(length).decode())
        self.received.append(
            {"path": self.path, "auth": self.headers.get("Authorization"), "form": body}
        )
        expected = "Basic " + base64.b64encode(f"{SID}:{TOKEN}".encode()).decode()
        if self.headers.get("Authorization") != expected:
            status, data, headers = (
                401,
                {"code": 20003, "message": "Authenticate", "status": 401},
                {},
            )
        elif self.script:
            status, data, headers = self.script.pop(0)
        else:
            status, data, headers = 201, {"sid": "SM" + "0" * 32, "status": "queued"}, {}
        raw = json.dumps(data).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(raw)))
        for key, value in headers.items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(raw)


@pytest.fixture
def fake():
    FakeTwilio.script = []
    FakeTwilio.received = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeTwilio)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()


def _backend(base, **kwargs):
    kwargs.setdefault("sleep", lambda s: None)
    return TwilioBackend(
        account_sid=kwargs.pop("sid", SID),
        auth_token=kwargs.pop("token", TOKEN),
        sender=kwargs.pop("sender", "+33700000000"),
        base_url=base,
        **kwargs,
    )


def test_send_posts_the_documented_request(fake):
    result = _backend(fake).send(to="+33612345678", body="123456 est votre code", reference="t")
    assert result.provider_id.startswith("SM") and result.status == "queued"
    [call] = FakeTwilio.received
    assert call["path"] == f"/2010-04-01/Accounts/{SID}/Messages.json"
    assert call["form"] == {
        "To": ["+33612345678"],
        "From": ["+33700000000"],
        "Body": ["123456 est votre code"],
    }


def test_messaging_service_sender(fake):
    _backend(fake, sender="MG0123").send(to="+33612345678", body="x", reference="t")
    form = FakeTwilio.received[0]["form"]
    assert form["MessagingServiceSid"] == ["MG0123"] and "From" not in form


def test_bad_credentials_are_a_permanent_error(fake):
    with pytest.raises(SmsPermanentError, match="401"):
        _backend(fake, token="wrong").send(to="+33612345678", body="x", reference="t")
    assert len(FakeTwilio.received) == 1  # never retried


def test_an_invalid_number_is_permanent(fake):
    FakeTwilio.script = [(400, {"code": 21211, "message": "Invalid 'To' Phone Number"}, {})]
    with pytest.raises(SmsPermanentError, match="21211"):
        _backend(fake).send(to="+33000", body="x", reference="t")


def test_429_and_5xx_are_retried_with_retry_after(fake):
    waits = []
    FakeTwilio.script = [
        (429, {"code": 20429, "message": "Too Many Requests"}, {"Retry-After": "2"}),
        (503, {"code": 20500, "message": "Service unavailable"}, {}),
    ]
    result = _backend(fake, sleep=waits.append).send(to="+33612345678", body="x", reference="t")
    assert result.provider_id.startswith("SM")
    assert len(FakeTwilio.received) == 3
    assert waits[0] == 2.0 and len(waits) == 2


def test_transient_errors_exhaust_into_a_transient_error(fake):
    FakeTwilio.script = [(500, {"message": "boom"}, {})] * 3
    with pytest.raises(SmsTransientError, match="500"):
        _backend(fake, attempts=3).send(to="+33612345678", body="x", reference="t")


def test_network_error_is_transient():
    with pytest.raises(SmsTransientError):
        _backend("http://127.0.0.1:9", attempts=2, timeout=1).send(
            to="+33612345678", body="x", reference="t"
        )


def test_missing_configuration_is_refused():
    with pytest.raises(SmsPermanentError):
        TwilioBackend(account_sid="", auth_token="", sender="")


@pytest.mark.django_db
def test_through_the_outbox_a_sent_code_is_wiped(fake, settings):
    settings.SMS_BACKEND = "twilio"
    settings.TWILIO_ACCOUNT_SID, settings.TWILIO_AUTH_TOKEN = SID, TOKEN
    settings.TWILIO_FROM, settings.TWILIO_API_BASE = "+33700000000", fake
    assert isinstance(sms_backend(), TwilioBackend)
    message = sms_send(
        to="06 12 34 56 78", body="654321 code", kind="signature_code", confidential=True
    )
    assert message.to == "+33612345678"
    effect_run(key=f"sms:{message.pk}")
    message.refresh_from_db()
    assert message.status == SmsMessage.Status.SENT and message.backend == "twilio"
    assert "654321" not in message.body  # a real provider sent it: not kept in clear


@pytest.mark.django_db
def test_through_the_outbox_a_permanent_error_fails_at_once(fake, settings):
    settings.SMS_BACKEND = "twilio"
    settings.TWILIO_ACCOUNT_SID, settings.TWILIO_AUTH_TOKEN = SID, "wrong"
    settings.TWILIO_FROM, settings.TWILIO_API_BASE = "+33700000000", fake
    failed = []
    sms_failed.connect(
        lambda sender, message, error, **kw: failed.append(message.pk), weak=False, dispatch_uid="t"
    )
    try:
        message = sms_send(to="+33612345678", body="x", kind="signature_code", reference="r:1")
        effect_run(key=f"sms:{message.pk}")
    finally:
        sms_failed.disconnect(dispatch_uid="t")
    message.refresh_from_db()
    assert message.status == SmsMessage.Status.FAILED and "401" in message.error
    assert failed == [message.pk]
    assert Effect.objects.get(key=f"sms:{message.pk}").status == "done"


@pytest.mark.django_db
def test_through_the_outbox_transient_errors_retry_then_fail(fake, settings):
    settings.SMS_BACKEND = "twilio"
    settings.TWILIO_ACCOUNT_SID, settings.TWILIO_AUTH_TOKEN = SID, TOKEN
    settings.TWILIO_FROM, settings.TWILIO_API_BASE = "+33700000000", fake
    FakeTwilio.script = [(503, {"message": "down"}, {})] * 100
    message = sms_send(to="+33612345678", body="x", kind="signature_code", reference="r:2")
    key = f"sms:{message.pk}"
    from django.utils import timezone

    for _ in range(10):
        Effect.objects.filter(key=key, status="pending").update(available_at=timezone.now())
        effect_run(key=key)
    message.refresh_from_db()
    assert message.status == SmsMessage.Status.FAILED
    assert Effect.objects.get(key=key).status == "failed"
