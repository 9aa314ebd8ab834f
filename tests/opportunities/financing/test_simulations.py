"""Vehicle simulations (V-13): the sandbox, refresh, the default and its fallback, the
vehicle's monthly payment."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction

from opportunities.financing import annuity as financing_annuity
from opportunities.financing import selectors as financing_selectors
from opportunities.financing import services as financing_services
from opportunities.financing.models import FinancingSimulation
from opportunities.financing.providers import SandboxProvider, provider_get
from tests.vehicles.factories import VehicleFactory
from vehicles.models import Parc

pytestmark = pytest.mark.django_db
D = Decimal
AUTO = FinancingSimulation.Kind.AUTOMATIC


def _custom(vehicle, user, **kwargs):
    terms = {
        "price": D("15000"),
        "down_payment": D("2000"),
        "duration_months": 36,
        "annual_rate": D("2.9"),
        "services_monthly": D("0"),
    }
    terms.update(kwargs)
    return financing_services.financing_simulation_create(vehicle=vehicle, by=user, **terms)


def test_settings_select_the_sandbox():
    provider = provider_get()
    assert isinstance(provider, SandboxProvider)
    assert provider.name == "CGI (bac à sable)"


@pytest.mark.parametrize("parc", [Parc.VO, Parc.VD])
def test_sandbox_simulates_vo_and_vd_deterministically(car, parc):
    car.parc = parc
    first = SandboxProvider().simulate(car)
    assert len(first) == 6
    assert first == SandboxProvider().simulate(car)
    assert {s["duration_months"] for s in first} == {36, 48, 60, 72}
    assert {s["down_payment"] for s in first} == {D("0"), D("3000.00")}  # 0 % and 20 %
    assert all(D("0") < s["annual_rate"] <= D("25") for s in first)


def test_sandbox_offers_nothing_for_a_vn_or_a_tiny_price(car):
    car.parc = Parc.VN
    assert SandboxProvider().simulate(car) == []
    car.parc = Parc.VO
    assert SandboxProvider().simulate(car, price=D("500")) == []


def test_refresh_creates_automatic_simulations_and_syncs_the_vehicle(car):
    fresh = financing_services.financing_simulations_refresh(vehicle=car)
    assert len(fresh) == 6
    car.refresh_from_db()
    lowest = min(s.monthly_payment for s in fresh)
    assert car.monthly_payment == lowest
    # The lowest is 72 months with 20 % down at 6,4 %: 12 000 € → 202,22 €.
    assert lowest == financing_annuity.annuity(
        principal=D("12000"), annual_rate=D("6.4"), duration_months=72
    )


def test_refresh_vn_has_none(site):
    vn = VehicleFactory(physical_site=site, parc=Parc.VN, status="stock_vente")
    assert financing_services.financing_simulations_refresh(vehicle=vn) == []
    vn.refresh_from_db()
    assert vn.monthly_payment is None


def test_refresh_keeps_custom_and_default_and_replaces_automatic(car, fleet_manager):
    financing_services.financing_simulations_refresh(vehicle=car)
    custom = _custom(car, fleet_manager)
    auto_default = FinancingSimulation.objects.filter(vehicle=car, kind=AUTO).last()
    financing_services.financing_default_set(simulation=auto_default, by=fleet_manager)
    car.selling_price = D("18000.00")
    car.save(update_fields=["selling_price"])

    financing_services.financing_simulations_refresh(vehicle=car)

    sims = FinancingSimulation.objects.filter(vehicle=car, offer__isnull=True)
    assert sims.filter(pk=custom.pk).exists()
    assert sims.get(is_default=True).pk == auto_default.pk
    # Six new automatic ones at the new price, plus the kept default (old price).
    assert sims.filter(kind=AUTO, price=D("18000.00")).count() == 6
    assert sims.filter(kind=AUTO).count() == 7
    car.refresh_from_db()
    assert car.monthly_payment == auto_default.monthly_payment


def test_refresh_twice_does_not_duplicate(car):
    financing_services.financing_simulations_refresh(vehicle=car)
    financing_services.financing_simulations_refresh(vehicle=car)
    assert FinancingSimulation.objects.filter(vehicle=car).count() == 6


def test_one_default_per_vehicle(car, fleet_manager):
    a = _custom(car, fleet_manager, make_default=True)
    b = _custom(car, fleet_manager, duration_months=60, make_default=True)
    a.refresh_from_db()
    assert (a.is_default, b.is_default) == (False, True)
    financing_services.financing_default_set(simulation=a, by=fleet_manager)
    assert list(
        FinancingSimulation.objects.filter(vehicle=car, is_default=True).values_list(
            "pk", flat=True
        )
    ) == [a.pk]
    with pytest.raises(IntegrityError), transaction.atomic():
        FinancingSimulation.objects.filter(pk=b.pk).update(is_default=True)


def test_default_shown_first_then_fallback_to_lowest_automatic(car, fleet_manager):
    financing_services.financing_simulations_refresh(vehicle=car)
    expensive = _custom(car, fleet_manager, down_payment=D("0"), duration_months=24)
    financing_services.financing_default_set(simulation=expensive, by=fleet_manager)
    panel = financing_selectors.financing_vehicle_panel(vehicle=car, user=fleet_manager)
    assert panel["featured"] == expensive
    assert panel["simulations"][0] == expensive
    car.refresh_from_db()
    assert car.monthly_payment == expensive.monthly_payment

    financing_services.financing_default_clear(vehicle=car, by=fleet_manager)
    panel = financing_selectors.financing_vehicle_panel(vehicle=car, user=fleet_manager)
    autos = FinancingSimulation.objects.filter(vehicle=car, kind=AUTO)
    lowest = min(autos, key=lambda s: s.monthly_payment)
    assert panel["featured"] == lowest
    assert panel["simulations"][0] == lowest
    assert not panel["has_default"]
    car.refresh_from_db()
    assert car.monthly_payment == lowest.monthly_payment


def test_a_cheaper_custom_is_not_highlighted_without_being_default(car, fleet_manager):
    financing_services.financing_simulations_refresh(vehicle=car)
    _custom(car, fleet_manager, price=D("15000"), down_payment=D("14000"), duration_months=120)
    featured = financing_selectors.financing_featured(
        financing_selectors.financing_vehicle_simulations(vehicle=car)
    )
    assert featured.kind == AUTO


def test_only_custom_without_default_leaves_no_monthly_payment(site, fleet_manager):
    vn = VehicleFactory(physical_site=site, parc=Parc.VN, status="stock_vente")
    _custom(vn, fleet_manager)
    vn.refresh_from_db()
    assert vn.monthly_payment is None
    assert financing_selectors.financing_sticker(vehicle=vn) is None


def test_deleting_the_default_custom_falls_back(car, fleet_manager):
    financing_services.financing_simulations_refresh(vehicle=car)
    custom = _custom(car, fleet_manager, make_default=True)
    financing_services.financing_simulation_delete(simulation=custom, by=fleet_manager)
    car.refresh_from_db()
    lowest = FinancingSimulation.objects.filter(vehicle=car, kind=AUTO).order_by("monthly_payment")[
        0
    ]
    assert car.monthly_payment == lowest.monthly_payment


def test_custom_needs_the_configuration_right(car, seller):
    with pytest.raises(PermissionDenied):
        _custom(car, seller)
    financing_services.financing_simulations_refresh(vehicle=car)
    sim = FinancingSimulation.objects.filter(vehicle=car).first()
    with pytest.raises(PermissionDenied):
        financing_services.financing_default_set(simulation=sim, by=seller)
    assert not FinancingSimulation.objects.filter(is_default=True).exists()


def test_bad_custom_terms_write_nothing(car, fleet_manager):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        _custom(car, fleet_manager, annual_rate=D("30"))
    assert not FinancingSimulation.objects.exists()
    car.refresh_from_db()
    assert car.monthly_payment is None


def test_nightly_refresh_selects_changed_prices_only(car, site):
    other = VehicleFactory(physical_site=site, status="stock_vente", parc=Parc.VD)
    VehicleFactory(physical_site=site, status="stock_vente", parc=Parc.VN)
    VehicleFactory(physical_site=site, status="pre_entree", parc=Parc.VO)
    assert set(financing_services.financing_vehicles_due()) == {car, other}
    assert financing_services.financing_simulations_refresh_due() == 2
    assert not financing_services.financing_vehicles_due().exists()
    car.selling_price = D("14000.00")
    car.save(update_fields=["selling_price"])
    assert list(financing_services.financing_vehicles_due()) == [car]


def test_nightly_task_and_beat_entry(car, settings):
    from opportunities.financing.tasks import financing_simulations_refresh_due_task

    entry = settings.CELERY_BEAT_SCHEDULE["opportunities-financing-refresh"]
    assert entry["task"] == financing_simulations_refresh_due_task.name
    assert financing_simulations_refresh_due_task.delay().get() == 1


def test_entering_sales_stock_refreshes_after_commit(
    site, django_capture_on_commit_callbacks, fleet_manager
):
    from vehicles.services import vehicle_status_change

    vo = VehicleFactory(physical_site=site, status="entree_physique", parc=Parc.VO)
    with django_capture_on_commit_callbacks(execute=True):
        vehicle_status_change(vehicle=vo, to="stock_vente", by=fleet_manager)
    assert FinancingSimulation.objects.filter(vehicle=vo, kind=AUTO).count() == 6
    vo.refresh_from_db()
    assert vo.monthly_payment is not None
