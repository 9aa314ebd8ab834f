"""May this user do this at this point of sale: every right of the platform, asked here.

Rights are Django permissions (``accounts.<codename>``) held directly or through a user
group; the scope is the user's points of sale, all of them for platform administrators
(``points_of_sale_for_user``). Each predicate is small and named after what it allows:
services check them before a write, transitions declare them (``permission=``), views and
templates ask them. They are cross-app (the stock uses the configuration and transfer
rights too), so they live beside the accounts, not in one app.

The user's group types and points of sale are read once per user object (cached on it):
a list asking a predicate per row costs no query per row.
"""

from openflex.accounts.models import UserGroupType
from openflex.accounts.selectors import user_has_type, user_is_platform_admin

VALIDATE_ORDERS = "accounts.validate_orders"
VALIDATE_TRADEINS = "accounts.validate_tradeins"
VALIDATE_TRANSFERS = "accounts.validate_transfers"
CONFIGURE_VEHICLES = "accounts.change_vehicle_configuration"
ACCESS_VN = "accounts.access_vn"

# Types who see every opportunity and order of their points of sale; the others see theirs.
MANAGER_TYPES = frozenset(
    {UserGroupType.SALES_MANAGER, UserGroupType.DIRECTOR, UserGroupType.SECRETARY}
)

# Who prepares deliveries and places VN orders with the manufacturer (the delivery tiles).
DELIVERY_TEAM_TYPES = frozenset(
    {
        UserGroupType.ADMIN,
        UserGroupType.SALES_MANAGER,
        UserGroupType.DIRECTOR,
        UserGroupType.SECRETARY,
    }
)

# The sale side (customers, opportunities, offers, orders): deny by default — a user in
# no user group, a fleet manager or a trade-in validator has no access to it (issue 13).
SALE_SIDE_TYPES = frozenset(
    {
        UserGroupType.ADMIN,
        UserGroupType.DIRECTOR,
        UserGroupType.SALES_MANAGER,
        UserGroupType.SALESPERSON,
        UserGroupType.SECRETARY,
    }
)
# Who sells: opportunities, offers, reservations, trade-ins in an opportunity. The
# secretary works on the sale's paperwork (customers, orders, deliveries), not on selling.
SELLER_TYPES = SALE_SIDE_TYPES - {UserGroupType.SECRETARY}
# Who changes a vehicle's prices, options, publication or asks for its transfer.
STOCK_EDITOR_TYPES = SELLER_TYPES | {UserGroupType.FLEET_MANAGER}
# Who validates price updates (V-8), at their points of sale.
PRICE_VALIDATOR_TYPES = frozenset({UserGroupType.DIRECTOR, UserGroupType.SALES_MANAGER})

_POS_CACHE_ATTR = "_openflex_point_of_sale_ids"


def is_authenticated(user) -> bool:
    return bool(getattr(user, "is_authenticated", False))


def user_point_of_sale_ids(user) -> frozenset[int]:
    """The points of sale the user is attached to (one query, cached on the user)."""
    if not is_authenticated(user):
        return frozenset()
    cached = getattr(user, _POS_CACHE_ATTR, None)
    if cached is None:
        cached = frozenset(user.points_of_sale.values_list("pk", flat=True))
        setattr(user, _POS_CACHE_ATTR, cached)
    return cached


def works_at(user, point_of_sale_id: int | None) -> bool:
    """The user acts for this point of sale: attached to it, or a platform administrator."""
    if not is_authenticated(user):
        return False
    return user_is_platform_admin(user) or point_of_sale_id in user_point_of_sale_ids(user)


def is_platform_admin(user) -> bool:
    return is_authenticated(user) and user_is_platform_admin(user)


def has_group_type(user, types) -> bool:
    """Member of a user group of one of ``types`` (platform administrators: always)."""
    return is_authenticated(user) and (is_platform_admin(user) or user_has_type(user, *types))


def works_on_sales(user) -> bool:
    """The sale side: customers, opportunities, offers, orders (ORG-2, deny by default)."""
    return has_group_type(user, SALE_SIDE_TYPES)


def can_sell(user) -> bool:
    """Create opportunities and act on them, make offers, reserve, take trade-ins."""
    return has_group_type(user, SELLER_TYPES)


def sees_stock(user) -> bool:
    """The stock (list, vehicle pages): any user-group type; a user in none: nothing."""
    return has_group_type(user, UserGroupType.values)


def can_edit_stock(user) -> bool:
    """Prices, options, publication, transfer requests on a vehicle the user sees."""
    return has_group_type(user, STOCK_EDITOR_TYPES)


def may_open_vehicle(user, *, point_of_sale_id: int | None, parc: str) -> bool:
    """The rule of ``vehicles.selectors.vehicle_queryset_for_user`` for one loaded vehicle:
    a list asks it before linking to the vehicle's page (no query per row)."""
    if not sees_stock(user) or not works_at(user, point_of_sale_id):
        return False
    return parc != "VN" or has_vn_access(user)


def may_open_customer(user, *, point_of_sale_id: int | None) -> bool:
    """The rule of ``customer_queryset_for_user`` for one loaded customer."""
    return works_on_sales(user) and works_at(user, point_of_sale_id)


def may_open_opportunity(user, *, salesperson_id: int | None, point_of_sale_id: int | None) -> bool:
    """The rule of ``opportunity_queryset_for_user`` for one loaded opportunity."""
    if not works_on_sales(user):
        return False
    if is_platform_admin(user) or user.pk == salesperson_id:
        return True
    return is_manager(user) and works_at(user, point_of_sale_id)


def can_validate_prices(user, point_of_sale_id: int | None = None) -> bool:
    """Validate or refuse a price update (V-8): directors and sales managers, at their
    points of sale (at this one when given); platform administrators everywhere."""
    if is_platform_admin(user):
        return True
    if not has_group_type(user, PRICE_VALIDATOR_TYPES):
        return False
    return point_of_sale_id is None or works_at(user, point_of_sale_id)


def is_manager(user) -> bool:
    """Sees every opportunity and order of the user's points of sale (not only their own)."""
    return is_platform_admin(user) or user_has_type(user, *MANAGER_TYPES)


def is_sales_manager_at(user, point_of_sale_id: int | None) -> bool:
    """A sales manager or director of this point of sale, or a platform administrator."""
    if is_platform_admin(user):
        return True
    return user_has_type(user, UserGroupType.SALES_MANAGER, UserGroupType.DIRECTOR) and works_at(
        user, point_of_sale_id
    )


# --- Orders ---------------------------------------------------------------------------


def can_validate_orders(user, point_of_sale_id: int | None = None) -> bool:
    """Holds the order validation right (at this point of sale when one is given)."""
    if not is_authenticated(user) or not user.has_perm(VALIDATE_ORDERS):
        return False
    return point_of_sale_id is None or works_at(user, point_of_sale_id)


def can_prepare_delivery(user, point_of_sale_id: int | None) -> bool:
    """Marks an order ready to deliver: validators and the secretariat of its point of sale."""
    return (can_validate_orders(user) or user_has_type(user, UserGroupType.SECRETARY)) and works_at(
        user, point_of_sale_id
    )


def has_vn_access(user) -> bool:
    return is_authenticated(user) and user.has_perm(ACCESS_VN)


def can_order_from_factory(user, point_of_sale_id: int | None) -> bool:
    """ "Commandé à l'usine" (O-10): the VN right (ORG-3) held by the delivery team of the
    order's point of sale — the audience of the "À commander usine" tile, not the
    salesperson of the sale."""
    if not has_vn_access(user):
        return False
    if is_platform_admin(user):
        return True
    return user_has_type(user, *DELIVERY_TEAM_TYPES) and works_at(user, point_of_sale_id)


# --- Trade-ins ------------------------------------------------------------------------


def is_tradein_validator(user) -> bool:
    if not is_authenticated(user) or not user.is_active:
        return False
    # The group types are cached on the user: ask them before the rights (two queries).
    return user_has_type(user, UserGroupType.TRADEIN_VALIDATOR) or user.has_perm(VALIDATE_TRADEINS)


def can_validate_tradeins(user, point_of_sale_id: int | None) -> bool:
    """A trade-in validator of this point of sale (a platform administrator: any)."""
    return is_tradein_validator(user) and works_at(user, point_of_sale_id)


# --- Vehicles, products, transfers ----------------------------------------------------


def can_configure_vehicles(user) -> bool:
    """Fleet managers: vehicle configuration, financing simulations (V-10, V-13)."""
    return is_authenticated(user) and user.has_perm(CONFIGURE_VEHICLES)


def can_attach_products(user) -> bool:
    """Accessories and services attached to a vehicle: configuration right or admin."""
    return can_configure_vehicles(user) or is_platform_admin(user)


def can_manage_products(user) -> bool:
    """The product catalogue is managed by platform administrators only (ORG-5)."""
    return is_platform_admin(user)


def can_validate_transfers(user) -> bool:
    return is_authenticated(user) and user.has_perm(VALIDATE_TRANSFERS)


# --- Leads (L-1) ----------------------------------------------------------------------


def works_on_leads(user) -> bool:
    """The leads' inbox: the sale side (the secretary takes calls and web leads too)."""
    return works_on_sales(user)


def may_open_lead_task(user, *, point_of_sale_id: int | None) -> bool:
    """The rule of ``lead_task_queryset_for_user`` for one loaded task: every task of the
    user's points of sale (a shared inbox: anyone there may take one)."""
    return works_on_leads(user) and works_at(user, point_of_sale_id)


# --- Lead statistics and calls (L-3, L-5, L-6) ------------------------------------------

# Who reads the lead statistics of their points of sale: those who steer the team.
LEAD_STATISTICS_TYPES = frozenset({UserGroupType.DIRECTOR, UserGroupType.SALES_MANAGER})


def sees_lead_statistics(user) -> bool:
    """Source, collaborator and transformation statistics (L-5, L-6): directors and sales
    managers of their points of sale; platform administrators everywhere."""
    return has_group_type(user, LEAD_STATISTICS_TYPES)
