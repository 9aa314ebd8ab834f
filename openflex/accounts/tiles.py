from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from openflex.home.tiles import Tile, register

from .models import User

register(
    Tile(
        key="accounts-pending-activation",
        title=_("Comptes en attente d'activation"),
        description=_("Comptes créés dont le titulaire n'a pas encore choisi son mot de passe"),
        count=lambda user: User.objects.filter(
            is_active=True, password__startswith=UNUSABLE_PASSWORD_PREFIX
        ).count(),
        url=lambda user: reverse("accounts:user_list") + "?state=pending",
        permission="accounts.manage_accounts",
        order=90,
    )
)
