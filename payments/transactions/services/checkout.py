"""The customer's way to the provider's hosted page: the signed request with our return
URLs (ACCEPTURL, DECLINEURL, EXCEPTIONURL, CANCELURL)."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse

from payments.providers.base import HostedPage, ReturnUrls
from payments.providers.registry import adapter_for
from payments.transactions.models import Payment, PaymentConfiguration


def return_urls(provider: str) -> ReturnUrls:
    def url(outcome: str) -> str:
        return settings.SITE_URL + reverse(
            "payments:return", kwargs={"provider": provider, "outcome": outcome}
        )

    return ReturnUrls(
        accept=url("accepte"), decline=url("refuse"), exception=url("erreur"), cancel=url("annule")
    )


def payment_checkout(*, payment: Payment, config: PaymentConfiguration) -> HostedPage:
    adapter = adapter_for(payment.provider)
    page = adapter.hosted_page(
        payment=payment, config=config, urls=return_urls(payment.provider), language="fr_FR"
    )
    if payment.provider == "sandbox":
        # The sandbox page is ours: a GET keeps CSRF protection on every POST of the site.
        return HostedPage(url=page.url, fields=page.fields, method="get", origin=page.origin)
    return page
