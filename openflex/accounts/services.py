"""Writes about accounts, user groups, rights and profile security (ORG-2 … ORG-4)."""

import hashlib
import hmac
import secrets
from collections.abc import Iterable
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import Permission
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, ProtectedError, RestrictedError
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from openflex.core.throttle import throttle_hit
from openflex.notifications.services import email_send
from openflex.outbox.services import effect_enqueue, effect_key

from .models import PointOfSale, SecurityCode, User, UserGroup, UserGroupType
from .selectors import users_for_password_reset

ACCOUNT_MANAGEMENT = "manage_accounts"
SECURITY_CODE_REQUEST_WINDOW = timedelta(hours=1)
RESET_EMAIL_EFFECT = "accounts.password_reset"
PASSWORD_RESET_WINDOW = timedelta(hours=1)

# The named rights of ORG-3, in the order the screens show them.
RIGHT_CODENAMES = [
    "manage_accounts",
    "change_vehicle_configuration",
    "access_vn",
    "validate_orders",
    "validate_tradeins",
    "validate_transfers",
]


def rights_queryset():
    return Permission.objects.filter(
        content_type__app_label="accounts", codename__in=RIGHT_CODENAMES
    ).order_by("pk")


def _require_account_manager(by: User) -> None:
    if not by.has_perm(f"accounts.{ACCOUNT_MANAGEMENT}"):
        raise PermissionDenied(_("Droit de gestion des comptes requis."))


def _check_rights(*, groups: Iterable[UserGroup], rights: Iterable[Permission]) -> None:
    """The account-management right only goes to platform administrators (ORG-3)."""
    if any(p.codename == ACCOUNT_MANAGEMENT for p in rights) and not any(
        g.type == UserGroupType.ADMIN for g in groups
    ):
        raise ValidationError(
            {
                "rights": _(
                    "Le droit de gestion des comptes ne peut être accordé "
                    "qu'à un administrateur de plateforme."
                )
            }
        )


def _set_password_url(user: User) -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    path = reverse("accounts:password_reset_confirm", kwargs={"uidb64": uid, "token": token})
    return f"{settings.SITE_URL}{path}"


@transaction.atomic
def account_create(
    *,
    by: User,
    email: str,
    first_name: str,
    last_name: str,
    phone: str = "",
    user_groups: Iterable[UserGroup] = (),
    points_of_sale: Iterable[PointOfSale] = (),
    rights: Iterable[Permission] = (),
) -> User:
    """Create an account pending activation and email the person an invitation link."""
    _require_account_manager(by)
    user_groups, rights = list(user_groups), list(rights)
    _check_rights(groups=user_groups, rights=rights)
    email = email.strip().lower()
    if User.objects.filter(email__iexact=email).exists():
        raise ValidationError({"email": _("Un compte existe déjà avec cet email.")})
    user = User.objects.create_user(
        email=email, first_name=first_name, last_name=last_name, phone=phone
    )
    user.groups.set(user_groups)
    user.points_of_sale.set(points_of_sale)
    user.user_permissions.set(rights)
    email_send(
        to=user.email,
        recipient=user,
        kind="account_invitation",
        confidential=True,
        template="accounts/invitation",
        subject=_("Votre compte OpenFlex"),
        context={"user": user, "url": _set_password_url(user), "by": by},
    )
    return user


@transaction.atomic
def account_update(
    *,
    by: User,
    user: User,
    first_name: str,
    last_name: str,
    phone: str,
    user_groups: Iterable[UserGroup],
    points_of_sale: Iterable[PointOfSale],
    rights: Iterable[Permission],
) -> User:
    _require_account_manager(by)
    user_groups, rights = list(user_groups), list(rights)
    _check_rights(groups=user_groups, rights=rights)
    if user == by and not any(g.type == UserGroupType.ADMIN for g in user_groups):
        raise ValidationError(
            {"user_groups": _("Vous ne pouvez pas retirer votre propre accès administrateur.")}
        )
    user.first_name, user.last_name, user.phone = first_name, last_name, phone
    user.save(update_fields=["first_name", "last_name", "phone"])
    user.groups.set(user_groups)
    user.points_of_sale.set(points_of_sale)
    user.user_permissions.set(rights)
    return user


@transaction.atomic
def account_set_active(*, by: User, user: User, active: bool) -> User:
    _require_account_manager(by)
    if user == by and not active:
        raise ValidationError(_("Vous ne pouvez pas désactiver votre propre compte."))
    fields = ["is_active"]
    if not active and user.is_active:
        # Every session opened so far ends, wherever sessions are stored: a reactivation
        # does not bring them back (the account must log in again).
        user.session_generation += 1
        fields.append("session_generation")
    user.is_active = active
    user.save(update_fields=fields)
    return user


@transaction.atomic
def account_delete(*, by: User, user: User) -> None:
    _require_account_manager(by)
    if user == by:
        raise ValidationError(_("Vous ne pouvez pas supprimer votre propre compte."))
    try:
        with transaction.atomic():
            user.delete()
    except (ProtectedError, RestrictedError) as exc:
        # Orders, payments … keep who did what: such an account is deactivated.
        raise ValidationError(
            _(
                "Ce compte apparaît dans l'historique (commandes, paiements…) et ne peut pas "
                "être supprimé : désactivez-le plutôt."
            )
        ) from exc


@transaction.atomic
def user_group_save(
    *,
    by: User,
    name: str,
    type: str,  # noqa: A002
    rights: Iterable[Permission],
    description: str = "",
    group: UserGroup | None = None,
) -> UserGroup:
    _require_account_manager(by)
    rights = list(rights)
    if any(p.codename == ACCOUNT_MANAGEMENT for p in rights) and type != UserGroupType.ADMIN:
        raise ValidationError(
            {
                "rights": _(
                    "Le droit de gestion des comptes ne peut être accordé "
                    "qu'à un groupe d'administrateurs de plateforme."
                )
            }
        )
    if group is None:
        group = UserGroup.objects.create(name=name, type=type, description=description)
    else:
        group.name, group.type, group.description = name, type, description
        group.save(update_fields=["name", "type", "description"])
    group.permissions.set(rights)
    return group


# --- Profile (ORG-4) -----------------------------------------------------------------


def _hash_code(code_id: int, code: str) -> str:
    key = force_bytes(settings.SECRET_KEY)
    return hmac.new(key, f"{code_id}:{code}".encode(), hashlib.sha256).hexdigest()


@transaction.atomic
def profile_update(*, user: User, first_name: str, last_name: str, phone: str) -> list[str]:
    """Save name and phone; warn the user by email of what changed. Returns the changed labels."""
    changed = []
    if user.last_name != last_name:
        changed.append(_("nom"))
    if user.first_name != first_name:
        changed.append(_("prénom"))
    if user.phone != phone:
        changed.append(_("téléphone"))
    if not changed:
        return []
    user.first_name, user.last_name, user.phone = first_name, last_name, phone
    user.save(update_fields=["first_name", "last_name", "phone"])
    email_send(
        to=user.email,
        recipient=user,
        kind="profile_changed",
        template="accounts/profile_changed",
        subject=_("Modification de votre profil OpenFlex"),
        context={"user": user, "changed": changed, "when": timezone.now()},
    )
    return changed


@transaction.atomic
def email_change_request(*, user: User, new_email: str) -> SecurityCode:
    """Send a 6-digit code to the new address and a warning to the old one."""
    new_email = new_email.strip().lower()
    if new_email == user.email:
        raise ValidationError({"new_email": _("C'est déjà votre adresse email.")})
    if User.objects.filter(email__iexact=new_email).exclude(pk=user.pk).exists():
        raise ValidationError({"new_email": _("Cette adresse est déjà utilisée par un compte.")})
    now = timezone.now()
    # Each new code brings fresh attempts: without a cap on requests, the attempt limit
    # would not bound guessing, and the old address could be flooded with warnings.
    recent = SecurityCode.objects.filter(
        user=user,
        purpose=SecurityCode.Purpose.EMAIL_CHANGE,
        created_at__gte=now - SECURITY_CODE_REQUEST_WINDOW,
    ).count()
    if recent >= settings.SECURITY_CODE_MAX_REQUESTS_PER_HOUR:
        raise ValidationError(
            {"new_email": _("Trop de demandes de code : réessayez dans une heure.")}
        )
    SecurityCode.objects.filter(
        user=user, purpose=SecurityCode.Purpose.EMAIL_CHANGE, used_at=None, revoked_at=None
    ).update(revoked_at=now)
    code = f"{secrets.randbelow(1_000_000):06d}"
    row = SecurityCode.objects.create(
        user=user,
        purpose=SecurityCode.Purpose.EMAIL_CHANGE,
        new_email=new_email,
        code_hash="",
        expires_at=now + settings.SECURITY_CODE_TTL,
    )
    row.code_hash = _hash_code(row.pk, code)
    row.save(update_fields=["code_hash"])
    minutes = int(settings.SECURITY_CODE_TTL.total_seconds() // 60)
    email_send(
        to=new_email,
        recipient=user,
        kind="email_change_code",
        confidential=True,
        template="accounts/email_change_code",
        subject=_("Votre code de sécurité OpenFlex"),
        context={"user": user, "code": code, "minutes": minutes},
    )
    email_send(
        to=user.email,
        recipient=user,
        kind="email_change_warning",
        template="accounts/email_change_warning",
        subject=_("Demande de changement de votre adresse email"),
        context={"user": user, "new_email": new_email, "when": now},
    )
    return row


def email_change_pending(*, user: User) -> SecurityCode | None:
    return (
        SecurityCode.objects.filter(
            user=user,
            purpose=SecurityCode.Purpose.EMAIL_CHANGE,
            used_at=None,
            revoked_at=None,
            expires_at__gt=timezone.now(),
            attempts__lt=settings.SECURITY_CODE_MAX_ATTEMPTS,
        )
        .order_by("-created_at")
        .first()
    )


def email_change_confirm(*, user: User, code: str) -> User:
    """Apply the pending email change if ``code`` matches; count the wrong attempts."""
    code = (code or "").strip()
    with transaction.atomic():
        pending = (
            SecurityCode.objects.select_for_update()
            .filter(
                user=user,
                purpose=SecurityCode.Purpose.EMAIL_CHANGE,
                used_at=None,
                revoked_at=None,
            )
            .order_by("-created_at")
            .first()
        )
        if pending is None:
            raise ValidationError({"code": _("Aucun changement d'email en attente.")})
        if pending.expires_at <= timezone.now():
            raise ValidationError({"code": _("Ce code a expiré : demandez-en un nouveau.")})
        if pending.attempts >= settings.SECURITY_CODE_MAX_ATTEMPTS:
            raise ValidationError({"code": _("Trop de tentatives : demandez un nouveau code.")})
        valid = hmac.compare_digest(pending.code_hash, _hash_code(pending.pk, code))
        if valid:
            if User.objects.filter(email__iexact=pending.new_email).exclude(pk=user.pk).exists():
                raise ValidationError({"code": _("Cette adresse est déjà utilisée par un compte.")})
            pending.used_at = timezone.now()
            pending.save(update_fields=["used_at"])
            user.email = pending.new_email
            user.save(update_fields=["email"])
            return user
        SecurityCode.objects.filter(pk=pending.pk).update(attempts=F("attempts") + 1)
        left = settings.SECURITY_CODE_MAX_ATTEMPTS - pending.attempts - 1
    if left <= 0:
        raise ValidationError(
            {"code": _("Code incorrect. Trop de tentatives : demandez un nouveau code.")}
        )
    raise ValidationError(
        {
            "code": ngettext(
                "Code incorrect. Il vous reste %(left)s tentative.",
                "Code incorrect. Il vous reste %(left)s tentatives.",
                left,
            )
            % {"left": left}
        }
    )


def password_changed_notify(*, user: User) -> None:
    email_send(
        to=user.email,
        recipient=user,
        kind="password_changed",
        template="accounts/password_changed",
        subject=_("Votre mot de passe OpenFlex a été modifié"),
        context={"user": user, "when": timezone.now()},
    )


@transaction.atomic
def password_reset_request(*, email: str, address: str | None) -> None:
    """ "Mot de passe oublié": count the request and hand the rest to the outbox.

    The request never looks the account up: known or not, it writes the same rows and
    answers the same way in the same time; the outbox looks it up after the commit and
    sends the link (``password_reset_send``). Beyond ``PASSWORD_RESET_MAX_PER_ADDRESS``
    requests an hour from one client address, ValidationError; beyond
    ``PASSWORD_RESET_MAX_PER_EMAIL`` for one email, the request is dropped silently (the
    answer must not differ with the email)."""
    email = email.strip().lower()
    if not throttle_hit(
        scope="password-reset:address",
        value=address or "unknown",
        limit=settings.PASSWORD_RESET_MAX_PER_ADDRESS,
        window=PASSWORD_RESET_WINDOW,
    ):
        raise ValidationError(
            _("Trop de demandes depuis votre connexion : réessayez dans une heure."),
            code="throttled",
        )
    if not throttle_hit(
        scope="password-reset:email",
        value=email,
        limit=settings.PASSWORD_RESET_MAX_PER_EMAIL,
        window=PASSWORD_RESET_WINDOW,
    ):
        return
    effect_enqueue(
        kind=RESET_EMAIL_EFFECT, key=effect_key("password-reset"), payload={"email": email}
    )


def password_reset_send(*, email: str) -> int:
    """The outbox's half of a reset request: email a link to each active account with this
    email (none: nothing happens). Returns the number of emails queued."""
    users = list(users_for_password_reset(email=email))
    for user in users:
        email_send(
            to=user.email,
            recipient=user,
            kind="password_reset",
            confidential=True,
            template="accounts/password_reset",
            subject=_("Réinitialisation de votre mot de passe OpenFlex"),
            context={
                "user": user,
                "uid": urlsafe_base64_encode(force_bytes(user.pk)),
                "token": default_token_generator.make_token(user),
            },
        )
    return len(users)


def security_codes_purge() -> int:
    # Keep the codes of the last hour: they count in the request cap.
    cutoff = timezone.now() - max(settings.SECURITY_CODE_TTL, SECURITY_CODE_REQUEST_WINDOW)
    deleted, _detail = SecurityCode.objects.filter(expires_at__lt=cutoff).delete()
    return deleted


# --- Organisation (ORG-1, ORG-5) ----------------------------------------------------------


@transaction.atomic
def point_of_sale_update(*, point_of_sale: PointOfSale, **fields) -> PointOfSale:
    for name, value in fields.items():
        setattr(point_of_sale, name, value)
    point_of_sale.save(update_fields=list(fields))
    return point_of_sale


@transaction.atomic
def physical_site_create(*, point_of_sale: PointOfSale, name: str, address: str = ""):
    from .models import PhysicalSite

    name = name.strip()
    if PhysicalSite.objects.filter(point_of_sale=point_of_sale, name__iexact=name).exists():
        raise ValidationError({"name": _("Ce point de vente a déjà un site de ce nom.")})
    return PhysicalSite.objects.create(point_of_sale=point_of_sale, name=name, address=address)
