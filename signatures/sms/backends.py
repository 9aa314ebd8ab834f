"""SMS backends (S-7): one interface, an outbox backend and a Twilio adapter.

``SMS_BACKEND`` (setting, from the environment) chooses: ``outbox`` (development, tests,
demo — the message is only recorded, administrators read it in Paramètres › SMS envoyés)
or ``twilio`` (Twilio Programmable Messaging, REST API 2010-04-01).

The Twilio adapter follows the documented protocol: ``POST
{base}/2010-04-01/Accounts/{AccountSid}/Messages.json`` with HTTP Basic authentication
(Account SID, Auth Token), a form-encoded body ``To`` (E.164), ``From`` (or
``MessagingServiceSid`` when the sender starts with "MG") and ``Body``; a created
message answers 201 with JSON carrying ``sid`` and ``status``; an error answers a JSON
``{"code", "message", "more_info", "status"}``. Transient failures (network, 429 — with
its ``Retry-After`` —, 5xx) are retried a few times here, then raised as
``SmsTransientError`` so that the outbox tries again later; the others (400 invalid
number, 401 authentication, 403 …) are ``SmsPermanentError``: retrying cannot help.
"""

from __future__ import annotations

import base64
import json
import logging
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass

from django.conf import settings

logger = logging.getLogger(__name__)


class SmsError(Exception):
    pass


class SmsTransientError(SmsError):
    """Worth another attempt later (network, provider overloaded or down)."""


class SmsPermanentError(SmsError):
    """Retrying cannot help (invalid number, refused credentials, blocked account)."""


@dataclass(frozen=True)
class SmsResult:
    provider_id: str
    status: str = ""


class SmsBackend:
    name = "base"
    # The outbox backend keeps the text (administrators read it); a real provider sent
    # it, so a confidential text (a code) is wiped once sent.
    keeps_text = False

    def send(self, *, to: str, body: str, reference: str) -> SmsResult:  # pragma: no cover
        raise NotImplementedError


class OutboxBackend(SmsBackend):
    """Development and tests: nothing leaves; the recorded message is the SMS."""

    name = "outbox"
    keeps_text = True

    def send(self, *, to: str, body: str, reference: str) -> SmsResult:
        return SmsResult(provider_id=f"outbox-{reference}", status="recorded")


class TwilioBackend(SmsBackend):
    name = "twilio"
    API_VERSION = "2010-04-01"

    def __init__(
        self,
        *,
        account_sid: str,
        auth_token: str,
        sender: str,
        base_url: str = "https://api.twilio.com",
        timeout: float = 10.0,
        attempts: int = 3,
        max_wait: float = 5.0,
        sleep=time.sleep,
    ):
        if not (account_sid and auth_token and sender):
            raise SmsPermanentError("Twilio: account SID, auth token and sender are required")
        self.account_sid = account_sid
        self.auth_token = auth_token
        self.sender = sender
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.attempts = attempts
        self.max_wait = max_wait
        self.sleep = sleep

    @property
    def url(self) -> str:
        sid = urllib.parse.quote(self.account_sid, safe="")
        return f"{self.base_url}/{self.API_VERSION}/Accounts/{sid}/Messages.json"

    def _request(self, to: str, body: str) -> urllib.request.Request:
        params = {"To": to, "Body": body}
        params["MessagingServiceSid" if self.sender.startswith("MG") else "From"] = self.sender
        credentials = base64.b64encode(f"{self.account_sid}:{self.auth_token}".encode()).decode()
        return urllib.request.Request(  # noqa: S310 — https URL from the settings
            self.url,
            data=urllib.parse.urlencode(params).encode(),
            method="POST",
            headers={
                "Authorization": f"Basic {credentials}",
                "Content-Type": "application/x-www-form-urlencoded",
                "Accept": "application/json",
                "User-Agent": "OpenFlex-SMS/1.0",
            },
        )

    @staticmethod
    def _error_text(status: int, raw: bytes) -> str:
        try:
            data = json.loads(raw or b"{}")
        except ValueError:
            data = {}
        code = data.get("code", "")
        message = data.get("message", "") or raw[:200].decode(errors="replace")
        return f"Twilio HTTP {status} (code {code}): {message}"

    def _retry_after(self, headers, attempt: int) -> float:
        value = headers.get("Retry-After") if headers else None
        try:
            wait = float(value) if value is not None else 0.5 * 2 ** (attempt - 1)
        except ValueError:
            wait = 0.5 * 2 ** (attempt - 1)
        return min(max(wait, 0.0), self.max_wait)

    def send(self, *, to: str, body: str, reference: str) -> SmsResult:
        last_error = "Twilio: no attempt made"
        for attempt in range(1, self.attempts + 1):
            try:
                with urllib.request.urlopen(  # noqa: S310
                    self._request(to, body), timeout=self.timeout
                ) as response:
                    data = json.loads(response.read() or b"{}")
                    sid = data.get("sid", "")
                    if not sid:
                        raise SmsTransientError("Twilio: answer without a message sid")
                    return SmsResult(provider_id=sid, status=data.get("status", ""))
            except urllib.error.HTTPError as exc:
                raw = exc.read()
                last_error = self._error_text(exc.code, raw)
                if exc.code == 429 or exc.code >= 500:
                    logger.warning("SMS %s attempt %s: %s", reference, attempt, last_error)
                    if attempt < self.attempts:
                        self.sleep(self._retry_after(exc.headers, attempt))
                    continue
                raise SmsPermanentError(last_error) from None
            except (urllib.error.URLError, TimeoutError, OSError, ValueError) as exc:
                last_error = f"Twilio: {type(exc).__name__}: {exc}"
                logger.warning("SMS %s attempt %s: %s", reference, attempt, last_error)
                if attempt < self.attempts:
                    self.sleep(self._retry_after(None, attempt))
        raise SmsTransientError(last_error)


def sms_backend() -> SmsBackend:
    """The configured backend (``SMS_BACKEND``)."""
    name = getattr(settings, "SMS_BACKEND", "outbox")
    if name == "twilio":
        return TwilioBackend(
            account_sid=settings.TWILIO_ACCOUNT_SID,
            auth_token=settings.TWILIO_AUTH_TOKEN,
            sender=settings.TWILIO_FROM,
            base_url=getattr(settings, "TWILIO_API_BASE", "https://api.twilio.com"),
        )
    return OutboxBackend()
