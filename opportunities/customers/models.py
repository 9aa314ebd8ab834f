"""Customers: persons and companies with their legal representative (O-2)."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from opportunities.fields import user_fk


class Civility(models.TextChoices):
    MR = "M.", _("M.")
    MRS = "Mme", _("Mme")


class Customer(models.Model):
    """A private person or a company; a company links its legal representative (a person)."""

    class Kind(models.TextChoices):
        PERSON = "particulier", _("Particulier")
        COMPANY = "societe", _("Société")

    kind = models.CharField(_("type de client"), max_length=12, choices=Kind.choices)
    civility = models.CharField(_("civilité"), max_length=4, choices=Civility.choices, blank=True)
    last_name = models.CharField(_("nom"), max_length=80, blank=True)
    first_name = models.CharField(_("prénom"), max_length=80, blank=True)
    company_name = models.CharField(_("raison sociale"), max_length=120, blank=True)
    siret = models.CharField(_("SIRET"), max_length=14, blank=True)
    email = models.EmailField(_("email"), blank=True)
    mobile = models.CharField(_("mobile"), max_length=20, blank=True)
    phone = models.CharField(_("téléphone"), max_length=20, blank=True)
    address = models.CharField(_("adresse"), max_length=200, blank=True)
    postcode = models.CharField(_("code postal"), max_length=10, blank=True)
    city = models.CharField(_("ville"), max_length=80, blank=True)
    legal_representative = models.ForeignKey(
        "self",
        verbose_name=_("représentant légal"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="represented_companies",
        limit_choices_to={"kind": "particulier"},
    )
    point_of_sale = models.ForeignKey(
        "accounts.PointOfSale",
        verbose_name=_("point de vente"),
        on_delete=models.PROTECT,
        related_name="customers",
    )
    # Lower-cased "name email digits-of-phones" for the search box (trigram index on PG).
    search_text = models.CharField(max_length=400, editable=False, default="")
    created_at = models.DateTimeField(default=timezone.now)
    created_by = user_fk(_("créé par"))

    class Meta:
        ordering = ["last_name", "company_name", "first_name", "pk"]
        verbose_name = _("client")
        indexes = [
            models.Index(fields=["email"], name="customer_email"),
            models.Index(fields=["mobile"], name="customer_mobile"),
            models.Index(fields=["point_of_sale", "last_name"], name="customer_pos_name"),
        ]

    def __str__(self) -> str:
        return self.display_name

    def save(self, *args, **kwargs):
        self.search_text = self.build_search_text()
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "search_text"}
        super().save(*args, **kwargs)

    @property
    def display_name(self) -> str:
        if self.kind == self.Kind.COMPANY:
            return self.company_name
        return " ".join(p for p in (self.civility, self.last_name.upper(), self.first_name) if p)

    @property
    def is_company(self) -> bool:
        return self.kind == self.Kind.COMPANY

    def build_search_text(self) -> str:
        digits = " ".join("".join(c for c in p if c.isdigit()) for p in (self.mobile, self.phone))
        parts = [self.last_name, self.first_name, self.company_name, self.email, digits]
        return " ".join(p for p in parts if p).lower()[:400]
