"""Model fields shared by the sale side's models: money (Decimal to the cent) and user links."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

ZERO = Decimal("0.00")


MAX_AMOUNT = Decimal("9999999.99")


money_validators = [
    MinValueValidator(ZERO, message=_("Le montant ne peut pas être négatif.")),
    MaxValueValidator(MAX_AMOUNT, message=_("Ce montant n'est pas plausible.")),
]


def money_field(label, **kwargs):
    kwargs.setdefault("default", ZERO)
    return models.DecimalField(
        label, max_digits=12, decimal_places=2, validators=money_validators, **kwargs
    )


def user_fk(label="", related_name="+", **kwargs):
    kwargs.setdefault("null", True)
    kwargs.setdefault("blank", True)
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=label or _("par"),
        on_delete=models.SET_NULL if kwargs["null"] else models.PROTECT,
        related_name=related_name,
        **kwargs,
    )
