"""Ingenico / Worldline e-Commerce (ex-Ogone) adapter: the hosted payment page
("orderstandard") with SHA-IN/SHA-OUT signatures, and DirectLink for status queries and
refunds when an API user is configured.
"""

from __future__ import annotations

import urllib.parse
import urllib.request
from decimal import Decimal, InvalidOperation

from defusedxml import ElementTree

from payments.providers import ogone
from payments.providers.base import HostedPage, ProviderError, ProviderResult, ReturnUrls

TIMEOUT = 20  # seconds, for DirectLink calls (from a worker, never from a page)


def _decimal(text: str) -> Decimal | None:
    try:
        return Decimal(text) if text not in ("", None) else None
    except InvalidOperation:
        return None


class OgoneProtocol:
    """What the real provider and the sandbox share: request, signature, reading."""

    name = ""
    PAGE_PATH = "orderstandard_utf8.asp"

    def page_url(self, config) -> str:
        raise NotImplementedError

    def origin(self, config) -> str:
        parts = urllib.parse.urlsplit(self.page_url(config))
        return f"{parts.scheme}://{parts.netloc}" if parts.netloc else ""

    def request_fields(self, *, payment, config, urls: ReturnUrls, language: str) -> dict:
        fields = {
            "PSPID": config.pspid,
            "ORDERID": payment.reference,
            "AMOUNT": str(payment.amount_cents),
            "CURRENCY": payment.currency,
            "LANGUAGE": language,
            "CN": f"{payment.first_name} {payment.last_name}".strip(),
            "EMAIL": payment.email,
            "OWNERTELNO": payment.mobile,
            "COM": str(payment.get_kind_display()),
            "ACCEPTURL": urls.accept,
            "DECLINEURL": urls.decline,
            "EXCEPTIONURL": urls.exception,
            "CANCELURL": urls.cancel,
        }
        fields = {k: v for k, v in fields.items() if v}
        fields["SHASIGN"] = ogone.sha_in(fields, config.sha_in, config.hash_algorithm)
        return fields

    def hosted_page(
        self, *, payment, config, urls: ReturnUrls, language: str = "fr_FR"
    ) -> HostedPage:
        return HostedPage(
            url=self.page_url(config),
            fields=self.request_fields(
                payment=payment, config=config, urls=urls, language=language
            ),
            origin=self.origin(config),
        )

    def verify(self, *, params: dict[str, str], config) -> bool:
        return ogone.sha_out_verify(params, config.sha_out, config.hash_algorithm)

    def parse(self, params: dict[str, str]) -> ProviderResult:
        p = ogone.upper_keys(params)
        return ProviderResult(
            reference=p.get("ORDERID", ""),
            outcome=ogone.status_outcome(p.get("STATUS", ""), p.get("NCERROR", "")),
            provider_status=p.get("STATUS", ""),
            provider_payment_id=p.get("PAYID", ""),
            amount=_decimal(p.get("AMOUNT", "")),
            currency=p.get("CURRENCY", ""),
            error=p.get("NCERROR", "") if p.get("NCERROR", "") not in ("", "0") else "",
            params=dict(params),
        )

    def refund(self, *, payment, config) -> ProviderResult | None:
        return None


class IngenicoProvider(OgoneProtocol):
    # DirectLink maintenance (refund): the provider's answer is another ncresponse.
    name = "ingenico"
    HOSTS = {
        "test": "https://ogone.test.v-psp.com/ncol/test/",
        "production": "https://secure.ogone.com/ncol/prod/",
    }

    def page_url(self, config) -> str:
        return self.HOSTS.get(config.mode, self.HOSTS["test"]) + self.PAGE_PATH

    def _post(self, url: str, data: dict) -> bytes:
        body = urllib.parse.urlencode(data).encode()
        request = urllib.request.Request(url, data=body, method="POST")  # noqa: S310 — fixed https hosts
        try:
            with urllib.request.urlopen(request, timeout=TIMEOUT) as response:  # noqa: S310
                return response.read()
        except OSError as exc:
            raise ProviderError(f"{url}: {exc}") from exc

    def query(self, *, payment, config) -> ProviderResult | None:
        """DirectLink ``querydirect.asp``: needs the API user; None without one."""
        if not config.api_user or not config.api_password:
            return None
        url = self.HOSTS.get(config.mode, self.HOSTS["test"]) + "querydirect.asp"
        data = {
            "PSPID": config.pspid,
            "USERID": config.api_user,
            "PSWD": config.api_password,
            "ORDERID": payment.reference,
        }
        return self.parse_xml(self._post(url, data), payment.reference)

    def refund(self, *, payment, config) -> ProviderResult | None:
        """DirectLink ``maintenancedirect.asp``, OPERATION=RFS (the whole amount, last
        refund): needs the API user; None without one."""
        if not config.api_user or not config.api_password or not payment.provider_payment_id:
            return None
        url = self.HOSTS.get(config.mode, self.HOSTS["test"]) + "maintenancedirect.asp"
        data = {
            "PSPID": config.pspid,
            "USERID": config.api_user,
            "PSWD": config.api_password,
            "PAYID": payment.provider_payment_id,
            "AMOUNT": str(payment.amount_cents),
            "OPERATION": "RFS",
        }
        data["SHASIGN"] = ogone.sha_in(data, config.sha_in, config.hash_algorithm)
        return self.parse_xml(self._post(url, data), payment.reference)

    def parse_xml(self, content: bytes, reference: str) -> ProviderResult:
        try:
            root = ElementTree.fromstring(content)
        except ElementTree.ParseError as exc:
            raise ProviderError(f"unreadable answer: {exc}") from exc
        attrs = {k.upper(): v for k, v in root.attrib.items()}
        attrs.setdefault("ORDERID", reference)
        return self.parse(attrs)
