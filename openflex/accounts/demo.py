"""Demo organisation and one user per user-group type (``seed_demo``). Idempotent."""

from django.contrib.auth.models import Permission

from .models import DealerGroup, Entity, PhysicalSite, PointOfSale, User, UserGroup, UserGroupType

DEMO_PASSWORD = "openflex-demo"  # noqa: S105 — demo data only, documented in the README
DEMO_DOMAIN = "demo.openflex.test"

ENTITIES = [
    (
        45,
        "Horizon Automobiles Lyon",
        [
            (
                61,
                "Horizon Lyon Gerland",
                "69007",
                "Lyon",
                ["Gerland — Showroom", "Gerland — Parc VO"],
            ),
            (
                62,
                "Horizon Villeurbanne",
                "69100",
                "Villeurbanne",
                ["Villeurbanne — Atelier", "Villeurbanne — Parc"],
            ),
        ],
    ),
    (
        46,
        "Horizon Automobiles Grenoble",
        [
            (
                63,
                "Horizon Grenoble Centre",
                "38000",
                "Grenoble",
                ["Grenoble — Showroom", "Grenoble — Parc VN"],
            ),
            (
                64,
                "Horizon Échirolles",
                "38130",
                "Échirolles",
                ["Échirolles — Parc", "Échirolles — Préparation"],
            ),
        ],
    ),
]

ALL_RIGHTS = [
    "manage_accounts",
    "change_vehicle_configuration",
    "access_vn",
    "validate_orders",
    "validate_tradeins",
    "validate_transfers",
]
GROUPS = {
    UserGroupType.ADMIN: ("Administrateurs", ALL_RIGHTS),
    UserGroupType.DIRECTOR: (
        "Direction",
        ["access_vn", "validate_orders", "validate_tradeins", "validate_transfers"],
    ),
    UserGroupType.SALES_MANAGER: (
        "Chefs des ventes",
        ["access_vn", "validate_orders", "validate_transfers"],
    ),
    UserGroupType.SALESPERSON: ("Vendeurs", ["access_vn"]),
    UserGroupType.SECRETARY: ("Secrétariat", []),
    UserGroupType.FLEET_MANAGER: (
        "Gestionnaires de parc",
        ["change_vehicle_configuration", "access_vn", "validate_transfers"],
    ),
    UserGroupType.TRADEIN_VALIDATOR: ("Valideurs de reprises", ["validate_tradeins"]),
}
PEOPLE = {
    UserGroupType.ADMIN: ("Claire", "Martin"),
    UserGroupType.DIRECTOR: ("Philippe", "Durand"),
    UserGroupType.SALES_MANAGER: ("Sophie", "Lefèvre"),
    UserGroupType.SALESPERSON: ("Julien", "Moreau"),
    UserGroupType.SECRETARY: ("Nathalie", "Girard"),
    UserGroupType.FLEET_MANAGER: ("Karim", "Benali"),
    UserGroupType.TRADEIN_VALIDATOR: ("Thomas", "Roux"),
}


def demo_email(group_type: str) -> str:
    return f"{group_type}@{DEMO_DOMAIN}"


def seed(*, scale: int = 0, log=print) -> None:
    group, _ = DealerGroup.objects.get_or_create(name="Groupe Horizon Automobiles")
    all_pos = []
    for code, name, pdvs in ENTITIES:
        entity, _ = Entity.objects.get_or_create(code=code, defaults={"group": group, "name": name})
        for pcode, pname, postcode, city, sites in pdvs:
            pos, _ = PointOfSale.objects.get_or_create(
                code=pcode,
                defaults={
                    "entity": entity,
                    "name": pname,
                    "postcode": postcode,
                    "city": city,
                    "phone": f"04 7{pcode % 10} 00 00 {pcode}",
                    "email": f"contact-{pcode}@{DEMO_DOMAIN}",
                    "address": "12 avenue des Frères Lumière",
                },
            )
            all_pos.append(pos)
            for site in sites:
                PhysicalSite.objects.get_or_create(point_of_sale=pos, name=site)

    perms = {
        p.codename: p
        for p in Permission.objects.filter(
            content_type__app_label="accounts", codename__in=ALL_RIGHTS
        )
    }
    users = {}
    for group_type, (group_name, rights) in GROUPS.items():
        user_group, _ = UserGroup.objects.get_or_create(
            name=group_name, defaults={"type": group_type}
        )
        user_group.permissions.set([perms[r] for r in rights])
        first, last = PEOPLE[group_type]
        user = User.objects.filter(email=demo_email(group_type)).first()
        if user is None:
            user = User.objects.create_user(
                email=demo_email(group_type),
                password=DEMO_PASSWORD,
                first_name=first,
                last_name=last,
                phone="06 12 34 56 78",
            )
            log(f"  user {user.email}")
        user.groups.add(user_group)
        # Administrators and directors see the whole group; the others work in Lyon.
        if group_type in (UserGroupType.ADMIN, UserGroupType.DIRECTOR):
            user.points_of_sale.set(all_pos)
        else:
            user.points_of_sale.set(all_pos[:2])
        users[group_type] = user

    for pos in all_pos:
        if pos.transfer_manager_id is None:
            manager = users[
                UserGroupType.SALES_MANAGER if pos.code in (61, 62) else UserGroupType.DIRECTOR
            ]
            pos.transfer_manager = manager
            pos.save(update_fields=["transfer_manager"])
