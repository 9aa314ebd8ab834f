"""Paramètres > Opportunités > Parcours de vente digitalisé (P-1): the e-payment option of a
point of sale. A passphrase left blank keeps the stored one (it is never shown back)."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from payments.transactions.models import PaymentConfiguration

SECRETS = ("sha_in", "sha_out", "api_password")


@transaction.atomic
def payment_configuration_save(*, point_of_sale, by, **values) -> PaymentConfiguration:
    config = (
        PaymentConfiguration.objects.select_for_update().filter(point_of_sale=point_of_sale).first()
    ) or PaymentConfiguration(point_of_sale=point_of_sale)
    for name, value in values.items():
        if name in SECRETS and not value and config.pk:
            continue  # left blank: keep
        setattr(config, name, value)
    config.configured_at = timezone.now()
    config.configured_by = by
    config.save()
    return config


@transaction.atomic
def payment_configuration_remove(*, point_of_sale, by) -> None:
    """No e-payment offered there any more (payments already made keep their history)."""
    PaymentConfiguration.objects.filter(point_of_sale=point_of_sale).delete()
