"""The access table of docs/decisions.md ("Who may open what"), walked: every URL of the
resolver, its path parameters filled with objects of the demo organisation, requested as
each of the seven demo users (one per user-group type) and as a user in no group.

Allowed means the view answers (200, 302 or a 400 on the empty form); denied means 403
or 404. Views that only accept POST are posted an empty form (they act on throwaway
objects). A URL missing from ``TABLE`` fails the test: a new page must be placed in the
table (and in the docs) before it ships.
"""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from leads.calls.models import TrackingNumber
from leads.inbox import services as lead_services
from leads.intake.models import LeadSource
from leads.intake.services import api_key_create
from openflex.accounts import demo
from openflex.accounts.models import PointOfSale, User, UserGroup
from openflex.notifications import services as notifications
from openflex.notifications.models import OutboundEmail
from opportunities.financing import services as financing
from opportunities.reservations import services as reservations
from opportunities.sales import services as sales
from opportunities.tradeins import services as tradeins
from tests.accounts.factories import PhysicalSiteFactory, UserFactory
from tests.opportunities.factories import CompanyFactory, CustomerFactory, ProductFactory
from tests.payments.factories import PaymentFactory
from tests.signatures.factories import make_request, signature_world
from tests.vehicles.factories import VehicleFactory
from vehicles import services as vehicle_services
from vehicles.models import LifelineStatus, OwnershipTransfer
from vehicles.stock.models import SavedSearch

pytestmark = pytest.mark.django_db

ADMIN = "admin"
DIRECTOR = "directeur"
SALES_MANAGER = "chef-des-ventes"
SALESPERSON = "vendeur"
SECRETARY = "secretaire"
FLEET = "gestionnaire-parc"
VALIDATOR = "valideur-reprises"
NO_GROUP = "aucun"
KINDS = (ADMIN, DIRECTOR, SALES_MANAGER, SALESPERSON, SECRETARY, FLEET, VALIDATOR, NO_GROUP)

EVERYONE = frozenset(KINDS)
STAFF = EVERYONE - {NO_GROUP}  # a user-group type, whatever it is
SALE_SIDE = frozenset({ADMIN, DIRECTOR, SALES_MANAGER, SALESPERSON, SECRETARY})
SELLERS = frozenset({ADMIN, DIRECTOR, SALES_MANAGER, SALESPERSON})
MANAGERS = frozenset({ADMIN, DIRECTOR, SALES_MANAGER})
STOCK = STAFF
STOCK_EDITORS = frozenset({ADMIN, DIRECTOR, SALES_MANAGER, SALESPERSON, FLEET})
CONFIGURE = frozenset({ADMIN, FLEET})  # the vehicle-configuration right in the demo
VALIDATORS = frozenset({ADMIN, DIRECTOR, VALIDATOR})  # the trade-in validation right
ADMINS = frozenset({ADMIN})
PUBLIC = "public"  # pages for anonymous visitors (login, password reset): not walked

# url name -> who may open it (docs/decisions.md, "Who may open what").
TABLE: dict[str, frozenset | str] = {
    "healthz": PUBLIC,
    "accounts:login": PUBLIC,
    "accounts:logout": PUBLIC,
    "accounts:password_reset": PUBLIC,
    "accounts:password_reset_done": PUBLIC,
    "accounts:password_reset_confirm": PUBLIC,
    "accounts:password_reset_complete": PUBLIC,
    "vehicles:feed_xml": PUBLIC,
    "vehicles:feed_json": PUBLIC,
    "home:index": EVERYONE,
    "home:tile": MANAGERS,  # the "Mises à jour de prix à valider" tile
    "accounts:profile": EVERYONE,
    "accounts:user_list": ADMINS,
    "accounts:user_create": ADMINS,
    "accounts:user_edit": ADMINS,
    "accounts:user_set_active": ADMINS,
    "accounts:user_delete": ADMINS,
    "accounts:group_list": ADMINS,
    "accounts:group_create": ADMINS,
    "accounts:group_edit": ADMINS,
    "notifications:list": EVERYONE,
    "notifications:bell": EVERYONE,
    "notifications:open": EVERYONE,  # one's own notifications
    "notifications:mark_all_read": EVERYONE,
    "configuration:index": ADMINS,
    "configuration:organisation": ADMINS,
    "configuration:point_of_sale_edit": ADMINS,
    "configuration:email_list": ADMINS,
    "configuration:email_detail": ADMINS,
    "configuration:email_retry": ADMINS,
    "vehicles:list": STOCK,
    "vehicles:export": STOCK,
    "vehicles:columns_save": STOCK,
    "vehicles:saved_search_create": STOCK,
    "vehicles:saved_search_action": STOCK,
    "vehicles:create": CONFIGURE,
    "vehicles:price_changes": MANAGERS,
    "vehicles:price_change_decide": MANAGERS,
    "vehicles:transfers": STOCK,
    "vehicles:transfer_decide": STOCK,  # the service decides (transfer manager or right)
    "vehicles:auction_action": CONFIGURE,
    "vehicles:late_list": CONFIGURE,
    "vehicles:late_list_pdf": CONFIGURE,
    "vehicles:late_list_email": CONFIGURE,
    "vehicles:detail": STOCK,
    "vehicles:delay_manage": CONFIGURE,
    "vehicles:delay_alerts_toggle": CONFIGURE,
    "vehicles:edit": CONFIGURE,
    "vehicles:status": CONFIGURE,
    "vehicles:prices": STOCK_EDITORS,
    "vehicles:option_add": STOCK_EDITORS,
    "vehicles:publication": STOCK_EDITORS,
    "vehicles:transfer_request": STOCK_EDITORS,
    "vehicles:auction_create": CONFIGURE,
    "vehicles:settings": ADMINS,
    "vehicles:settings_status": ADMINS,
    "vehicles:settings_max_stays": ADMINS,
    "opportunities:customers": SALE_SIDE,
    "opportunities:customer_create": SALE_SIDE,
    "opportunities:customer_detail": SALE_SIDE,
    "opportunities:customer_edit": SALE_SIDE,
    "opportunities:customer_representative": SALE_SIDE,
    "opportunities:index": SALE_SIDE,
    "opportunities:create": SELLERS,
    "opportunities:detail": SALE_SIDE,
    "opportunities:action": SELLERS,
    "opportunities:offer_for_vehicle": SELLERS,
    "opportunities:offer_detail": SALE_SIDE,
    "opportunities:offer_action": SELLERS,
    "opportunities:orders": SALE_SIDE,
    "opportunities:order_detail": SALE_SIDE,
    "opportunities:order_payment": SALE_SIDE,  # the secretary records the payments
    "opportunities:order_action": SALE_SIDE,  # the action decides (prepare: secretary)
    "opportunities:sales_settings": ADMINS,
    "opportunities:products": ADMINS,
    "opportunities:product_create": ADMINS,
    "opportunities:product_edit": ADMINS,
    "opportunities:product_delete": ADMINS,
    "opportunities:vehicle_product_attach": CONFIGURE,
    "opportunities:vehicle_product_detach": CONFIGURE,
    "opportunities:order_form_pdf": SALE_SIDE,
    "opportunities:delivery_report_pdf": SALE_SIDE,
    "opportunities:price_sticker_pdf": STOCK,
    "opportunities:offer_reserve": SELLERS,
    "opportunities:vehicle_reservation_end": MANAGERS,
    "opportunities:reservation_settings": ADMINS,
    "opportunities:tradein_list": VALIDATORS,
    "opportunities:tradein_request": STAFF,
    "opportunities:tradein_create": SELLERS,
    "opportunities:tradein_detail": SALE_SIDE | VALIDATORS,
    "opportunities:tradein_edit": SALE_SIDE | VALIDATORS,
    "opportunities:tradein_estimate_pdf": SALE_SIDE | VALIDATORS,
    "opportunities:tradein_photo": SALE_SIDE | VALIDATORS,
    "opportunities:tradein_photo_thumbnail": SALE_SIDE | VALIDATORS,
    "opportunities:tradein_action": VALIDATORS,
    "opportunities:financing_vehicle_simulation": CONFIGURE,
    "opportunities:financing_vehicle_default": CONFIGURE,
    "opportunities:financing_vehicle_default_clear": CONFIGURE,
    "opportunities:financing_vehicle_delete": CONFIGURE,
    "opportunities:financing_vehicle_refresh": CONFIGURE,
    "opportunities:financing_offer_simulation": SELLERS,
    "opportunities:financing_offer_refresh": SELLERS,
    "opportunities:financing_request": SELLERS,
    "payments:index": SALE_SIDE,  # the e-payments list (P-7), scoped like the orders
    "payments:vehicle_public": PUBLIC,  # a published vehicle's public page (P-8)
    "payments:vehicle_reserve": PUBLIC,  # its "Réserver ce véhicule" form
    "payments:ereservation_settings": ADMINS,
    "payments:link": PUBLIC,  # the customer's payment link (P-4, X-3)
    "payments:return": PUBLIC,  # the customer back from the provider (signed)
    "payments:privacy": PUBLIC,  # the privacy page linked from the payment emails
    "payments:callback": PUBLIC,  # the provider's signed server-to-server callback (P-5)
    "payments:sandbox_page": PUBLIC,  # the sandbox provider's hosted page (P-9)
    "payments:sandbox_decide": PUBLIC,
    "payments:action": SALE_SIDE,  # resend / new attempt / refunded, on a payment in scope
    "payments:configuration": ADMINS,  # Paramètres > Parcours de vente digitalisé (P-1)
    "payments:configuration_edit": ADMINS,
    "leads:index": SALE_SIDE,
    "leads:task_create": SALE_SIDE,
    "leads:task_detail": SALE_SIDE,
    "leads:task_action": SALE_SIDE,  # take, status, state (assign: managers, checked inside)
    "leads:task_convert": SELLERS,
    "leads:settings": ADMINS,
    "leads:settings_pos": ADMINS,
    "leads:reference_lists": ADMINS,
    "leads:sources": ADMINS,
    "leads:source_detail": ADMINS,
    "leads:key_revoke": ADMINS,
    "api:lead_create": PUBLIC,  # the lead API: a source's Bearer key (L-1)
    "api:openapi-json": PUBLIC,  # the API's OpenAPI document
    "api:openapi-view": PUBLIC,  # its Swagger page
    "api:api-root": PUBLIC,  # django-ninja's index of the API
    "api:call_create": PUBLIC,  # the telephony webhook: a source's Bearer key (L-3)
    "leads:calls_missed": SALE_SIDE,
    "leads:calls_connected": SALE_SIDE,
    "leads:tracking_numbers": SALE_SIDE,
    "leads:tracking_number_detail": SALE_SIDE,
    "leads:tracking_number_settings": ADMINS,
    "leads:tracking_number_edit": ADMINS,
    "leads:statistics": MANAGERS,  # directors and sales managers (L-5)
    "leads:statistics_export": MANAGERS,
    "signatures:sign": PUBLIC,  # the customer's signing link (S-1, X-3)
    "signatures:sign_code": PUBLIC,
    "signatures:sign_confirm": PUBLIC,
    "signatures:sign_refuse": PUBLIC,
    "signatures:sign_document": PUBLIC,
    "signatures:document_download": SALE_SIDE,  # at the request's point of sale
    "signatures:request_detail": SALE_SIDE,  # its audit trail (S-6, X-5)
    "signatures:verify": SALE_SIDE,  # "Vérifier un document" (S-6)
    "signatures:settings": ADMINS,
    "signatures:certificates": ADMINS,
    "signatures:certificate_generate": ADMINS,
    "signatures:sms_list": ADMINS,
    "signatures:sms_detail": ADMINS,
    "signatures:promotions": ADMINS,
    "signatures:promotion_create": ADMINS,
    "signatures:promotion_edit": ADMINS,
    # The e-signature's business effects (S-4, S-8): the resend list of the two tiles, the
    # order panel's actions (scoped like the orders), the trade-in offer's sending.
    "signatures:resend_list": SALE_SIDE,
    "signatures:order_links_resend": SALE_SIDE,
    "signatures:request_resend": SALE_SIDE,
    "signatures:tablet_open": SALE_SIDE,
    "signatures:delivery_request": SALE_SIDE,  # the service decides (delivery team, seller)
    "signatures:offer_send": SELLERS,
}


def _urls(patterns=None, prefix="", namespace=""):
    """(url name, route with <converters>) of every pattern of the resolver."""
    for p in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(p, URLResolver):
            ns = namespace
            if p.namespace:
                ns = f"{namespace}:{p.namespace}" if namespace else p.namespace
            yield from _urls(p.url_patterns, prefix + str(p.pattern), ns)
        elif isinstance(p, URLPattern):
            name = f"{namespace}:{p.name}" if namespace else p.name
            yield name, prefix + str(p.pattern), p.default_args


def _world():
    """The demo users and one object of each kind that the URLs name, at the point of sale
    (Lyon Gerland) that every demo user works at; the opportunity is the salesperson's."""
    demo.seed(log=lambda *a: None)
    users = {kind: User.objects.get(email=demo.demo_email(kind)) for kind in KINDS[:-1]}
    pos = PointOfSale.objects.get(code=61)
    users[NO_GROUP] = UserFactory(points_of_sale=[pos])
    seller, manager, admin = users[SALESPERSON], users[SALES_MANAGER], users[ADMIN]
    site = PhysicalSiteFactory(point_of_sale=pos)
    car = VehicleFactory(physical_site=site, status="stock_vente", selling_price=Decimal(15000))
    car2 = VehicleFactory(physical_site=site, status="stock_vente", selling_price=Decimal(9000))
    customer = CustomerFactory(point_of_sale=pos)
    opportunity = sales.opportunity_create(
        customer=customer, salesperson=seller, point_of_sale=pos, by=seller
    )
    offer = sales.offer_create(opportunity=opportunity, vehicle=car, by=seller)
    offer2 = sales.offer_validate(
        offer=sales.offer_create(opportunity=opportunity, vehicle=car2, by=seller), by=seller
    )
    order = sales.order_create(offer=offer2, by=seller)
    # A new car sold: the secretary (no VN right) sees its order, not the vehicle's page.
    new_car = VehicleFactory(
        physical_site=site, parc="VN", status="stock_vente", selling_price=Decimal(21000)
    )
    vn_offer = sales.offer_validate(
        offer=sales.offer_create(opportunity=opportunity, vehicle=new_car, by=seller), by=seller
    )
    sales.order_create(offer=vn_offer, by=seller)
    # A vehicle of Grenoble asked for by Lyon: in Lyon's transfer list, not its page.
    grenoble = VehicleFactory(
        physical_site=PhysicalSiteFactory(point_of_sale=PointOfSale.objects.get(code=63)),
        status="stock_vente",
    )
    vehicle_services.transfer_request(vehicle=grenoble, to_point_of_sale=pos, by=admin)
    trade_in = tradeins.tradein_create(
        opportunity=opportunity,
        by=seller,
        kind="seche",
        destination="particulier",
        brand="Peugeot",
        model="308",
        energy="essence",
        mileage=62000,
        estimate=Decimal(1000),
    )
    simulation = financing.financing_simulation_create(
        vehicle=car,
        by=users[FLEET],
        label="Perso",
        price=Decimal(10000),
        down_payment=Decimal(0),
        duration_months=48,
        annual_rate=Decimal("4.9"),
    )
    vehicle_services.vehicle_prices_update(
        vehicle=car, by=seller, selling_price=Decimal(14500)
    )  # a salesperson's price change: to validate
    transfer = vehicle_services.transfer_request(
        vehicle=car2, to_point_of_sale=PointOfSale.objects.get(code=62), by=manager
    )
    now = timezone.now()
    auction = vehicle_services.auction_create(
        vehicle=car, by=admin, starts_at=now + timedelta(days=1), ends_at=now + timedelta(days=2)
    )
    # A VO in pré-entrée reserved by the salesperson's validated offer (V-11).
    reservations.reservation_switch_set(by=admin, enabled=True)
    reserved = VehicleFactory(physical_site=site, status="pre_entree", selling_price=Decimal(8000))
    reserving_offer = sales.offer_validate(
        offer=sales.offer_create(opportunity=opportunity, vehicle=reserved, by=seller), by=seller
    )
    reservation = reservations.reservation_create(offer=reserving_offer, by=seller)
    email = OutboundEmail.objects.create(
        to="x@example.test", kind="test", subject="Test", body_text="x", body_html="x"
    )
    tracking_number = TrackingNumber.objects.create(
        point_of_sale=pos, number="+33478000099", label="Numéro traceur"
    )
    shared = {
        "key": "price-updates-to-validate",
        "tracking_number": tracking_number.pk,
        "stats_view": "sources",
        "number": car.pk,
        "simulation": simulation.pk,
        "offer": offer.pk,
        "opportunity": opportunity.pk,
        "customer": customer.pk,
        "company": CompanyFactory(point_of_sale=pos).pk,
        "order": order.pk,
        "trade_in": trade_in.pk,
        "product": ProductFactory().pk,
        "pos": pos.pk,
        "email": email.pk,
        "group": UserGroup.objects.get(type=SALESPERSON).pk,
        "target_user": UserFactory(points_of_sale=[pos]).pk,
        "price_change": car.price_changes.get(status="a_valider").pk,
        "transfer": transfer.pk,
        "auction": auction.pk,
        "status": LifelineStatus.objects.order_by("position").first().pk,
        "reserved": reserved.pk,
    }
    shared["simulations"] = {
        kind: financing.financing_simulation_create(
            vehicle=car,
            by=users[FLEET],
            label=kind,
            price=Decimal(10000),
            down_payment=Decimal(0),
            duration_months=36,
            annual_rate=Decimal("3.9"),
        ).pk
        for kind in KINDS
    }  # one per user: deleting it is one of the actions walked
    shared["reservation"] = reservation.pk
    lead_source = LeadSource.objects.get(name="Saisie manuelle")  # the leads (L-1)
    shared["lead_task"] = lead_services.lead_task_create(point_of_sale=pos, last_name="Lead").pk
    shared["lead_source"] = lead_source.pk
    shared["api_key"] = api_key_create(source=lead_source, by=admin)[0].pk
    shared.update(signature_world(point_of_sale=pos, customer=customer))
    shared["order_signature_request"] = make_request(
        customer=customer, point_of_sale=pos, order=order, send=False
    ).pk  # the order panel's request (S-5)
    shared["payment"] = PaymentFactory(
        vehicle=car2, point_of_sale=pos, entity=pos.entity, salesperson=seller
    ).pk  # an e-payment followed by the salesperson (P-6)
    assert transfer.status == OwnershipTransfer.Status.TO_VALIDATE
    return users, shared


_users_by_kind: dict = {}

# Path parameters per url name (the generic ones come from ``_GENERIC``).
_SPECIFIC = {
    "home:tile": {"key": "key"},
    "accounts:user_edit": {"pk": "target_user"},
    "accounts:user_set_active": {"pk": "target_user"},
    "accounts:user_delete": {"pk": "target_user"},
    "accounts:group_edit": {"pk": "group"},
    "configuration:point_of_sale_edit": {"pk": "pos"},
    "configuration:email_detail": {"pk": "email"},
    "configuration:email_retry": {"pk": "email"},
    "vehicles:price_change_decide": {"pk": "price_change"},
    "vehicles:transfer_decide": {"pk": "transfer"},
    "vehicles:auction_action": {"pk": "auction"},
    "vehicles:settings_status": {"pk": "status"},
    "opportunities:customer_detail": {"pk": "customer"},
    "opportunities:customer_edit": {"pk": "customer"},
    "opportunities:customer_representative": {"pk": "company"},
    "opportunities:detail": {"pk": "opportunity"},
    "opportunities:action": {"pk": "opportunity", "action": "relance"},
    "opportunities:offer_detail": {"pk": "offer"},
    "opportunities:offer_action": {"pk": "offer", "action": "dupliquer"},
    "opportunities:order_detail": {"pk": "order"},
    "opportunities:order_payment": {"pk": "order"},
    "opportunities:order_action": {"pk": "order", "name": "prepare"},
    "opportunities:product_edit": {"pk": "product"},
    "opportunities:product_delete": {"pk": "product"},
    "opportunities:order_form_pdf": {"pk": "order"},
    "opportunities:delivery_report_pdf": {"pk": "order"},
    "opportunities:offer_reserve": {"pk": "offer"},
    "opportunities:tradein_create": {"pk": "opportunity"},
    "opportunities:tradein_detail": {"pk": "trade_in"},
    "opportunities:tradein_edit": {"pk": "trade_in"},
    "opportunities:tradein_estimate_pdf": {"pk": "trade_in"},
    "opportunities:tradein_action": {"pk": "trade_in", "action": "refuser"},
    "opportunities:vehicle_reservation_end": {"number": "reserved"},
    "opportunities:financing_offer_simulation": {"pk": "offer"},
    "opportunities:financing_offer_refresh": {"pk": "offer"},
    "opportunities:financing_request": {"pk": "offer"},
    "leads:tracking_number_detail": {"pk": "tracking_number"},
    "leads:tracking_number_edit": {"pk": "tracking_number"},
    "leads:statistics_export": {"view": "stats_view"},
    "leads:task_detail": {"pk": "lead_task"},
    "leads:task_action": {"pk": "lead_task", "action": "prendre"},
    "leads:task_convert": {"pk": "lead_task"},
    "leads:settings_pos": {"pk": "pos"},
    "leads:source_detail": {"pk": "lead_source"},
    "leads:key_revoke": {"pk": "api_key"},
    "signatures:document_download": {"pk": "signature_document"},
    "signatures:request_detail": {"pk": "signature_request"},
    "payments:action": {"pk": "payment", "action": "resend"},
    "payments:configuration_edit": {"pos_pk": "pos"},
    "signatures:certificate_generate": {"pk": "entity"},
    "signatures:sms_detail": {"pk": "sms"},
    "signatures:promotion_edit": {"pk": "promotion"},
    "signatures:order_links_resend": {"pk": "order"},
    "signatures:request_resend": {"pk": "order_signature_request"},
    "signatures:tablet_open": {"pk": "order_signature_request"},
    "signatures:delivery_request": {"pk": "order"},
    "signatures:offer_send": {"pk": "offer"},
}
# The photo URLs get a photo of their own (below); the vehicle pages the car.
_GENERIC = {"number": "number"}
# Literal values (not keys of the world).
_LITERAL = {"action", "name", "key"}


def _path(name, route, shared, user):
    if name == "notifications:open":
        kwargs = {"pk": notifications.notification_create(recipient=user, kind="t", title="t").pk}
        return reverse(name, kwargs=kwargs)
    if name == "vehicles:saved_search_action":
        kwargs = {"pk": SavedSearch.objects.create(user=user, name=f"s{user.pk}").pk}
        return reverse(name, kwargs=kwargs)
    if name in (
        "opportunities:financing_vehicle_default",
        "opportunities:financing_vehicle_delete",
    ):
        kind = next(k for k, u in _users_by_kind.items() if u == user)
        kwargs = {"number": shared["number"], "pk": shared["simulations"][kind]}
        return reverse(name, kwargs=kwargs)
    spec = {**_GENERIC, **_SPECIFIC.get(name, {})}
    kwargs = {}
    for part in route.split("<")[1:]:
        param = part.split(">")[0].split(":")[-1]
        source = spec.get(param)
        if source is None:
            return None
        if param in _LITERAL and source not in shared:
            kwargs[param] = source
        else:
            kwargs[param] = shared[source]
    return reverse(name, kwargs=kwargs)


def _probe(client, url, shared):
    """(method, status): GET, or an empty POST for views that only accept POST."""
    status = client.get(url).status_code
    if status == 405:
        return "POST", client.post(url, {"reservation": shared["reservation"]}).status_code
    return "GET", status


def _walk(users, shared):
    """{(url name, kind): (method, url, status)} of every walked URL."""
    results = {}
    routes = [(n, r) for n, r, defaults in _urls() if TABLE.get(n) != PUBLIC]
    routes = [(n, r) for n, r in routes if "photo" not in n]
    for kind in KINDS:
        client = Client(raise_request_exception=True)
        client.force_login(users[kind])
        for name, route in routes:
            url = _path(name, route, shared, users[kind])
            assert url is not None, f"no path parameters for {name} ({route})"
            results[name, kind] = (*_probe(client, url, shared), url)
    return results


def test_every_url_is_in_the_access_table():
    names = {n for n, _r, _d in _urls()}
    assert names - set(TABLE) == set(), "place these pages in the access table"
    assert set(TABLE) - names == set(), "pages gone: take them out of the access table"


def test_every_user_group_type_opens_exactly_what_the_table_allows():
    users, shared = _world()
    _users_by_kind.clear()
    _users_by_kind.update(users)
    mismatches = []
    for (name, kind), (method, status, url) in sorted(_walk(users, shared).items()):
        allowed = kind in TABLE[name]
        denied = status in (403, 404)
        if allowed == denied:
            verdict = "denied" if denied else "allowed"
            mismatches.append(f"{kind:18} {method:4} {url:45} {status} ({verdict})")
    assert mismatches == [], "\n".join(mismatches)


LINK = re.compile(r'href="(/(?:vehicules|clients|opportunites|offres|commandes|reprises)/\d+/)"')


def test_pages_link_only_where_the_user_may_go():
    """Every link of every page a user opens to a vehicle, customer, opportunity, offer,
    order or trade-in page opens (the secretary's order list linked VN vehicles → 404)."""
    users, shared = _world()
    _users_by_kind.clear()
    _users_by_kind.update(users)
    broken = []
    for kind in KINDS:
        client = Client()
        client.force_login(users[kind])
        pages = set()
        for name, route, _defaults in _urls():
            if TABLE.get(name) == PUBLIC or kind not in TABLE[name] or "photo" in name:
                continue
            if name in ("notifications:open", "vehicles:saved_search_action"):
                continue
            url = _path(name, route, shared, users[kind])
            page = client.get(url)
            if page.status_code == 200 and page["Content-Type"].startswith("text/html"):
                pages.add(url)
                for link in set(LINK.findall(page.content.decode())):
                    status = client.get(link).status_code
                    if status != 200:
                        broken.append(f"{kind}: {url} → {link} ({status})")
    assert broken == [], "\n".join(sorted(set(broken)))
