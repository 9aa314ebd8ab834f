"""Organisation (ORG-1), people and user groups (ORG-2), rights (ORG-3)."""

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import Group, PermissionsMixin
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _


class DealerGroup(models.Model):
    """The dealer group (groupe) that owns the entities."""

    name = models.CharField(_("nom"), max_length=120, unique=True)

    class Meta:
        verbose_name = _("groupe")
        verbose_name_plural = _("groupes")

    def __str__(self) -> str:
        return self.name


class Entity(models.Model):
    """A legal company (entité) of the group."""

    group = models.ForeignKey(DealerGroup, on_delete=models.PROTECT, related_name="entities")
    name = models.CharField(_("nom"), max_length=120)
    code = models.PositiveIntegerField(_("code"), unique=True, help_text=_("N° d'entité"))
    siren = models.CharField(_("SIREN"), max_length=9, blank=True)

    class Meta:
        verbose_name = _("entité")
        verbose_name_plural = _("entités")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class PointOfSale(models.Model):
    """A point of sale (point de vente, PDV) of an entity."""

    entity = models.ForeignKey(Entity, on_delete=models.PROTECT, related_name="points_of_sale")
    name = models.CharField(_("nom"), max_length=120)
    code = models.PositiveIntegerField(_("code"), unique=True, help_text=_("N° de point de vente"))
    address = models.CharField(_("adresse"), max_length=255, blank=True)
    postcode = models.CharField(_("code postal"), max_length=10, blank=True)
    city = models.CharField(_("ville"), max_length=120, blank=True)
    phone = models.CharField(_("téléphone"), max_length=30, blank=True)
    email = models.EmailField(_("email"), blank=True)
    transfer_manager = models.ForeignKey(
        "accounts.User",
        verbose_name=_("responsable des transferts"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("point de vente")
        verbose_name_plural = _("points de vente")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class PhysicalSite(models.Model):
    """Where a vehicle physically is (site de présence physique)."""

    point_of_sale = models.ForeignKey(
        PointOfSale, on_delete=models.PROTECT, related_name="physical_sites"
    )
    name = models.CharField(_("nom"), max_length=120)
    address = models.CharField(_("adresse"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("site de présence physique")
        verbose_name_plural = _("sites de présence physique")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["point_of_sale", "name"], name="site_unique_per_pdv")
        ]

    def __str__(self) -> str:
        return self.name


class UserGroupType(models.TextChoices):
    ADMIN = "admin", _("Administrateur de plateforme")
    DIRECTOR = "directeur", _("Directeur")
    SALES_MANAGER = "chef-des-ventes", _("Chef des ventes")
    SALESPERSON = "vendeur", _("Vendeur")
    SECRETARY = "secretaire", _("Secrétaire")
    FLEET_MANAGER = "gestionnaire-parc", _("Gestionnaire de parc")
    TRADEIN_VALIDATOR = "valideur-reprises", _("Valideur de reprises")


class UserGroup(Group):
    """A user group of a given type (ORG-2).

    It extends ``auth.Group`` so that the rights granted to the group are ordinary
    Django permissions, checked by ``user.has_perm`` everywhere.
    """

    type = models.CharField(_("type"), max_length=32, choices=UserGroupType.choices)
    description = models.CharField(_("description"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("groupe d'utilisateurs")
        verbose_name_plural = _("groupes d'utilisateurs")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **fields) -> "User":
        if not email:
            raise ValueError("email is required")
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.save()
        return user

    def create_superuser(self, email: str, password: str | None = None, **fields) -> "User":
        fields.setdefault("is_staff", True)
        fields.setdefault("is_superuser", True)
        return self.create_user(email, password, **fields)


class User(AbstractBaseUser, PermissionsMixin):
    """A dealership staff member; logs in with the email address."""

    email = models.EmailField(_("email"), unique=True)
    first_name = models.CharField(_("prénom"), max_length=80)
    last_name = models.CharField(_("nom"), max_length=80)
    phone = models.CharField(_("téléphone"), max_length=30, blank=True)
    is_active = models.BooleanField(_("actif"), default=True)
    is_staff = models.BooleanField(_("accès à l'admin Django"), default=False)
    date_joined = models.DateTimeField(_("créé le"), default=timezone.now)
    points_of_sale = models.ManyToManyField(
        PointOfSale, verbose_name=_("points de vente"), related_name="users", blank=True
    )
    # Bumped to end every open session of the account at once (deactivation): it enters
    # the hash that each session keeps of its user (get_session_auth_hash).
    session_generation = models.PositiveIntegerField(default=0, editable=False)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["first_name", "last_name"]

    class Meta:
        verbose_name = _("utilisateur")
        verbose_name_plural = _("utilisateurs")
        ordering = ["last_name", "first_name"]
        indexes = [models.Index(Lower("last_name"), name="user_last_name_lower")]
        permissions = [
            ("manage_accounts", _("Droit de gestion des comptes")),
            ("change_vehicle_configuration", _("Droit de modifier la configuration des véhicules")),
            ("access_vn", _("Droit VN")),
            ("validate_orders", _("Droit de valider les commandes")),
            ("validate_tradeins", _("Droit de valider les reprises")),
            ("validate_transfers", _("Droit de valider les transferts")),
        ]

    def __str__(self) -> str:
        return self.get_full_name() or self.email

    def get_full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    def get_short_name(self) -> str:
        return self.first_name

    def _session_hash(self, secret=None) -> str:
        # Django's hash covers the password (a new password ends the other sessions); the
        # generation is added once bumped, so sessions opened before this field existed
        # stay valid until the first bump.
        value = self.password
        if self.session_generation:
            value = f"{value}:{self.session_generation}"
        return salted_hmac(
            "django.contrib.auth.models.AbstractBaseUser.get_session_auth_hash",
            value,
            secret=secret,
            algorithm="sha256",
        ).hexdigest()

    def get_session_auth_hash(self) -> str:
        return self._session_hash()

    def get_session_auth_fallback_hash(self):
        for fallback_secret in settings.SECRET_KEY_FALLBACKS:
            yield self._session_hash(secret=fallback_secret)

    @property
    def is_pending_activation(self) -> bool:
        return self.is_active and not self.has_usable_password()


class SecurityCode(models.Model):
    """A 6-digit code sent to a new email address (ORG-4).

    Only a keyed hash of the code is stored; the code is single-use, valid for
    ``SECURITY_CODE_TTL`` and accepts ``SECURITY_CODE_MAX_ATTEMPTS`` wrong tries.
    """

    class Purpose(models.TextChoices):
        EMAIL_CHANGE = "email_change", _("Changement d'email")

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="security_codes")
    purpose = models.CharField(max_length=32, choices=Purpose.choices)
    new_email = models.EmailField(_("nouvel email"))
    code_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["user", "purpose", "-created_at"])]
        verbose_name = _("code de sécurité")

    def __str__(self) -> str:
        return f"{self.get_purpose_display()} — {self.user_id}"
