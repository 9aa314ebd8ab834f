"""Every write on customers and their legal representatives (O-2)."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from opportunities.customers.models import Customer
from opportunities.customers.selectors import customer_duplicates, customer_scope

CUSTOMER_FIELDS = [
    "kind",
    "civility",
    "last_name",
    "first_name",
    "company_name",
    "siret",
    "email",
    "mobile",
    "phone",
    "address",
    "postcode",
    "city",
]


def _customer_clean(customer: Customer) -> None:
    errors = {}
    if customer.kind == Customer.Kind.COMPANY:
        if not customer.company_name.strip():
            errors["company_name"] = _("Indiquez la raison sociale.")
    elif not customer.last_name.strip():
        errors["last_name"] = _("Indiquez le nom du client.")
    if customer.siret and not (customer.siret.isdigit() and len(customer.siret) == 14):
        errors["siret"] = _("Le SIRET compte 14 chiffres.")
    for name in ("mobile", "phone"):
        value = getattr(customer, name)
        if value and sum(c.isdigit() for c in value) < 6:
            errors[name] = _("Ce numéro de téléphone n'est pas valide.")
    if errors:
        raise ValidationError(errors)
    customer.full_clean(exclude=["legal_representative", "point_of_sale", "created_by"])


@transaction.atomic
def customer_create(*, by, point_of_sale, allow_duplicate: bool = False, **fields) -> Customer:
    """Create a customer; a same email or mobile raises a "duplicate" error unless allowed.

    Only the customers that ``by`` may open are searched and named (ORG-2): a customer
    known only to another entity or point of sale gives no warning (docs/decisions.md).
    """
    customer = Customer(point_of_sale=point_of_sale, created_by=by, **fields)
    _customer_clean(customer)
    if not allow_duplicate:
        duplicates = list(
            customer_duplicates(
                within=customer_scope(user=by, point_of_sale=point_of_sale),
                email=customer.email,
                mobile=customer.mobile,
            )
        )
        if duplicates:
            raise ValidationError(
                _("Un client existe déjà avec cet email ou ce mobile : %s.")
                % ", ".join(f"{c.display_name} (n° {c.pk})" for c in duplicates),
                code="duplicate",
                params={"duplicates": [c.pk for c in duplicates]},
            )
    customer.save()
    return customer


@transaction.atomic
def customer_update(*, customer: Customer, by, **fields) -> Customer:
    customer = Customer.objects.select_for_update().get(pk=customer.pk)
    unknown = set(fields) - set(CUSTOMER_FIELDS)
    if unknown:
        raise ValueError(f"customer_update cannot change {sorted(unknown)}")
    changed = [n for n, v in fields.items() if getattr(customer, n) != v]
    for name in changed:
        setattr(customer, name, fields[name])
    _customer_clean(customer)
    if changed:
        customer.save(update_fields=changed)
    return customer


REPRESENTATIVE_FIELDS = {
    "last_name": _("nom"),
    "first_name": _("prénom"),
    "email": _("email"),
    "mobile": _("mobile"),
}


def legal_representative_missing(company: Customer) -> list[str]:
    """What the company still lacks before its orders may be validated (O-2)."""
    if not company.is_company:
        return []
    rep = company.legal_representative
    if rep is None:
        return [_("le représentant légal n'est pas renseigné")]
    missing = [
        str(label) for name, label in REPRESENTATIVE_FIELDS.items() if not getattr(rep, name)
    ]
    if missing:
        return [_("il manque au représentant légal : %s") % ", ".join(missing)]
    return []


@transaction.atomic
def legal_representative_create(
    *,
    company: Customer,
    by,
    civility: str = "",
    last_name: str,
    first_name: str,
    email: str,
    mobile: str,
) -> Customer:
    """ "Créer ce client": create the person and link it to the company as its representative."""
    company = Customer.objects.select_for_update().get(pk=company.pk)
    if not company.is_company:
        raise ValidationError(_("Seule une société a un représentant légal."))
    errors = {}
    for name, value in (
        ("last_name", last_name),
        ("first_name", first_name),
        ("email", email),
        ("mobile", mobile),
    ):
        if not (value or "").strip():
            errors[name] = _("Ce champ est obligatoire pour le représentant légal.")
    if errors:
        raise ValidationError(errors)
    # A known person is reused only where the user may look (ORG-2): never a customer of
    # another entity, whose file would be linked and changed without anyone seeing it.
    existing = (
        customer_scope(user=by, point_of_sale=company.point_of_sale)
        .filter(
            kind=Customer.Kind.PERSON,
            email__iexact=email.strip(),
            last_name__iexact=last_name.strip(),
        )
        .order_by("pk")
        .first()
    )
    if existing is not None:
        person = customer_update(
            customer=existing, by=by, first_name=first_name.strip(), mobile=mobile.strip()
        )
    else:
        person = customer_create(
            by=by,
            point_of_sale=company.point_of_sale,
            allow_duplicate=True,
            kind=Customer.Kind.PERSON,
            civility=civility,
            last_name=last_name.strip(),
            first_name=first_name.strip(),
            email=email.strip(),
            mobile=mobile.strip(),
        )
    company.legal_representative = person
    company.save(update_fields=["legal_representative"])
    return person


@transaction.atomic
def legal_representative_link(*, company: Customer, person: Customer, by) -> Customer:
    company = Customer.objects.select_for_update().get(pk=company.pk)
    if not company.is_company or person.is_company:
        raise ValidationError(_("Le représentant légal d'une société est une personne."))
    company.legal_representative = person
    company.save(update_fields=["legal_representative"])
    return company
