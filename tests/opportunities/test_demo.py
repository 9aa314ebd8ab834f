"""The demo sales journey (``seed_demo``) and its benchmark module (issue #5)."""

import io

import pytest
from django.core.management import call_command

from openflex.accounts.models import User
from openflex.core.benchmarking import Bench
from openflex.home.tiles import tiles_for_user
from opportunities import bench as opportunities_bench
from opportunities import demo
from opportunities.customers.models import Customer
from opportunities.customers.services import legal_representative_missing
from opportunities.products.models import PackElement, Product
from opportunities.sales.models import Appointment, Offer, Opportunity, OpportunityEvent, Order
from vehicles.models import OwnershipTransfer

pytestmark = pytest.mark.django_db

MANAGER = "chef-des-ventes@demo.openflex.test"


def _seed(scale: int = 0) -> None:
    call_command("seed_demo", scale=scale, stdout=io.StringIO())


def _counts() -> dict[str, int]:
    return {
        model.__name__: model.objects.count()
        for model in (
            Customer,
            Opportunity,
            OpportunityEvent,
            Appointment,
            Offer,
            Order,
            Product,
            PackElement,
            OwnershipTransfer,
        )
    }


def test_showcase_gives_every_sales_manager_tile_a_count_and_is_idempotent():
    _seed()
    first = _counts()
    _seed()
    assert _counts() == first

    manager = User.objects.get(email=MANAGER)
    tiles = {tile.key: tile.count(manager) for tile in tiles_for_user(manager)}
    assert {
        "orders-to-validate",
        "orders-to-cancel",
        "orders-to-prepare",
        "orders-to-deliver",
        "orders-factory",
        "opportunities-neglected",
        "transfers-to-validate",
        "unread-notifications",
    } <= set(tiles)
    assert all(count > 0 for count in tiles.values()), tiles


def test_showcase_content():
    _seed()
    customers = Customer.objects.filter(email__endswith="exemple.fr")
    assert 18 <= customers.count() <= 25
    companies = list(Customer.objects.filter(kind=Customer.Kind.COMPANY))
    assert len(companies) == 2
    assert sorted(bool(legal_representative_missing(c)) for c in companies) == [False, True]

    # "terminée" belongs to dry trade-ins (issue #6): the showcase has the three others.
    assert set(Offer.objects.values_list("status", flat=True)) == {
        Offer.Status.OPEN,
        Offer.Status.VALIDATED,
        Offer.Status.CANCELLED,
    }
    assert {
        Order.Status.DRAFT,
        Order.Status.PENDING_VALIDATION,
        Order.Status.ORDERED,
        Order.Status.TO_DELIVER,
        Order.Status.PENDING_CANCELLATION,
        Order.Status.DELIVERED,
    } <= set(Order.objects.values_list("status", flat=True))
    assert set(Opportunity.objects.values_list("status", flat=True)) == set(
        Opportunity.Status.values
    )
    # Offers are on demo vehicles, but the offer of reprise of a dry trade-in, which is on
    # the VO that the trade-in creates (the e-signature demo, issue #15).
    assert Offer.objects.filter(vehicle__internal_number__startswith="DEMO-").count() == (
        Offer.objects.filter(vehicle__trade_in__isnull=True).count()
    )

    salesperson = User.objects.get(email="vendeur@demo.openflex.test")
    assert Opportunity.objects.filter(salesperson=salesperson).count() >= 5
    assert Opportunity.objects.exclude(salesperson=salesperson).exists()
    assert set(Appointment.objects.values_list("kind", flat=True)) == set(Appointment.Kind.values)

    packs = Product.objects.filter(kind=Product.Kind.PACK)
    assert 3 <= packs.count() <= 4
    for pack in packs:
        assert pack.elements.exists()
    assert len({tuple(p.brands) + tuple(p.energies) + tuple(p.vehicle_types) for p in packs}) == (
        packs.count()
    )
    assert Product.objects.filter(kind=Product.Kind.SERVICE).exists()
    assert Product.objects.filter(kind=Product.Kind.ACCESSORY).exists()
    # The histories come from the services.
    assert OpportunityEvent.objects.filter(kind=OpportunityEvent.Kind.ORDER).exists()
    assert all(order.events.exists() for order in Order.objects.all())


def test_bulk_is_proportional_and_not_repeated_at_the_same_scale():
    _seed(scale=200)
    bulk = Customer.objects.filter(email__endswith=f"@{demo.BULK_DOMAIN}")
    assert bulk.count() == 100
    assert all(c.search_text == c.build_search_text() for c in bulk)
    assert Opportunity.objects.filter(customer__in=bulk).count() == 100
    assert Offer.objects.filter(opportunity__customer__in=bulk).count() == 20
    orders = Order.objects.filter(opportunity__customer__in=bulk)
    assert orders.count() == 10
    # A won opportunity has a validated order; an order's vehicle has no other live order.
    for order in orders.select_related("opportunity"):
        if order.status in Order.VALIDATED:
            assert order.opportunity.status == Opportunity.Status.WON
    live = orders.exclude(status__in=[Order.Status.CANCELLED, Order.Status.REFUSED])
    assert live.values("vehicle").distinct().count() == live.count()

    before = _counts()
    _seed(scale=200)  # the vehicles add 200 more; the sales journey is already there
    assert _counts() == before


def test_bench_module_records_its_metrics(monkeypatch):
    _seed()
    monkeypatch.setattr(opportunities_bench, "RUNS", 2)
    bench = Bench()
    logged = []
    opportunities_bench.run(bench, scale=200, log=logged.append)
    assert {
        "opportunity_list_median_ms",
        "opportunity_list_p95_ms",
        "opportunity_list_sql_ratio",
        "opportunity_list_queries",
        "order_list_median_ms",
        "opportunity_list_seq_scans",
    } <= set(bench.metrics)
    assert bench.metrics["opportunity_list_queries"].value > 0
    assert any("EXPLAIN" in note for note in bench.notes)
    # The bench tops the bulk data up to its scale once.
    assert Customer.objects.filter(email__endswith=f"@{demo.BULK_DOMAIN}").count() == 100


def test_showcase_feeds_the_validators_tile_and_the_financing():
    """O-8, V-13: the validator's tile counts the demo requests; VO/VD carry simulations."""
    from opportunities.financing.models import FinancingSimulation
    from opportunities.tradeins.models import TradeIn

    _seed()
    validator = User.objects.get(email="valideur-reprises@demo.openflex.test")
    tile = next(t for t in tiles_for_user(validator) if t.key.startswith("tradein"))
    assert tile.count(validator) >= 2
    assert TradeIn.objects.filter(creation_method=TradeIn.Method.CAMPAIGN).count() == 3
    assert TradeIn.objects.filter(status=TradeIn.Status.VALIDATED).exists()
    assert FinancingSimulation.objects.filter(kind="automatique").exists()


def test_the_demo_is_believable():
    """Issue 13: prices fit the model and the type, titles fit the vehicle offered, used
    cars carry the VAT regime their origin gives them."""
    from vehicles.demo import CATALOG, segment_of
    from vehicles.models import Parc, VatRegime, Vehicle

    _seed()
    list_prices = {
        (brand, model, version): price
        for brand, _wmi, models in CATALOG
        for model, _segment, _genre, versions in models
        for version, _energy, _hp, price in versions
    }
    demo = Vehicle.objects.filter(internal_number__startswith="DEMO-", selling_price__gt=0)
    for v in demo:
        new = list_prices[(v.brand, v.model, v.version)]
        if v.parc == Parc.VN:  # list price and options, less at most 8 %
            assert new * 0.92 - 1 <= v.selling_price <= new + 2300, v
        elif v.parc == Parc.VD:
            assert new * 0.75 <= v.selling_price <= new + 2300, v
        else:  # a used car is worth less than a new one, and something
            assert 2990 <= v.selling_price < new, v
            assert v.purchase_price is not None and v.purchase_price < v.selling_price, v
        assert (v.vat_regime == VatRegime.MARGIN) <= (v.parc == Parc.VO), v
    assert demo.filter(parc=Parc.VO, vat_regime=VatRegime.MARGIN).exists()
    assert demo.filter(parc=Parc.VO, vat_regime=VatRegime.NORMAL).exists()
    sandero = demo.filter(brand="Dacia", model="Sandero", parc=Parc.VN)
    assert all(v.selling_price < 20000 for v in sandero)

    words = {
        "citadine": "citadine",
        "suv": "suv",
        "break": "break",
        "monospace": "monospace",
        "compacte": "compacte",
        "utilitaire": "utilitaire",
    }
    checked = 0
    for offer in Offer.objects.select_related("opportunity", "vehicle"):
        title = offer.opportunity.title.lower()
        wanted = {segment for word, segment in words.items() if word in title}
        if wanted:
            checked += 1
            assert segment_of(offer.vehicle.brand, offer.vehicle.model) in wanted, (
                offer.opportunity.title,
                str(offer.vehicle),
            )
    assert checked >= 10
