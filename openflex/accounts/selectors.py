"""Reads about people, their groups, rights and scope."""

from collections.abc import Iterable

from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.db.models import Count, Q, QuerySet

from .models import PointOfSale, User, UserGroup, UserGroupType

_CACHE_ATTR = "_openflex_group_types"


def user_group_types(user) -> frozenset[str]:
    """The types of the user groups the user belongs to (one query, cached on the user)."""
    if not getattr(user, "is_authenticated", False):
        return frozenset()
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is None:
        cached = frozenset(
            UserGroup.objects.filter(user=user).order_by().values_list("type", flat=True).distinct()
        )
        setattr(user, _CACHE_ATTR, cached)
    return cached


def user_has_type(user, *types: str) -> bool:
    return bool(user_group_types(user).intersection(types))


def user_is_platform_admin(user) -> bool:
    return bool(getattr(user, "is_superuser", False)) or user_has_type(user, UserGroupType.ADMIN)


def points_of_sale_for_user(user) -> QuerySet[PointOfSale]:
    """The points of sale whose data the user may see: all for administrators."""
    qs = PointOfSale.objects.select_related("entity")
    if user_is_platform_admin(user):
        return qs
    return qs.filter(users=user)


def users_for_password_reset(*, email: str) -> QuerySet[User]:
    """Active accounts with this email, including those still pending activation.

    Django skips accounts without a usable password; here that is an invited person whose
    invitation link expired, and "Mot de passe oublié ?" is how they get a fresh link.
    """
    return User.objects.filter(email__iexact=email.strip().lower(), is_active=True)


def user_list() -> QuerySet[User]:
    """The accounts with what the list shows of them (filters: accounts.filters)."""
    return User.objects.prefetch_related("groups__usergroup", "points_of_sale").order_by(
        "last_name", "first_name", "pk"
    )


def users_in_state(qs: QuerySet[User], state: str) -> QuerySet[User]:
    if state == "active":
        return qs.filter(is_active=True)
    if state == "inactive":
        return qs.filter(is_active=False)
    if state == "pending":  # created, password not chosen yet (unusable password)
        return qs.filter(is_active=True, password__startswith=UNUSABLE_PASSWORD_PREFIX)
    return qs


def user_group_list() -> QuerySet[UserGroup]:
    return UserGroup.objects.annotate(member_count=Count("user")).prefetch_related("permissions")


def users_with_right(codename: str, *, points_of_sale: Iterable[int] | None = None):
    """Active users holding ``accounts.<codename>`` directly or through a group."""
    qs = User.objects.filter(is_active=True).filter(
        Q(user_permissions__codename=codename) | Q(groups__permissions__codename=codename)
    )
    if points_of_sale is not None:
        qs = qs.filter(points_of_sale__in=list(points_of_sale))
    return qs.distinct()
