"""Trade-in services (O-8): every status move allowed and refused, the offer totals,
the dry trade-in completion, the stock VO (O-1, O-3)."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from opportunities.sales import services
from opportunities.sales.models import Offer, Opportunity, OpportunityEvent, SalesSettings
from opportunities.tradeins import selectors as tradeins_selectors
from opportunities.tradeins import services as tradeins_services
from opportunities.tradeins.models import TradeIn
from tests.accounts.factories import PointOfSaleFactory, UserFactory, admin_user
from tests.opportunities.factories import CompanyFactory
from vehicles.models import Parc, StandardStatus, VatRegime, VehicleEvent

pytestmark = pytest.mark.django_db


def _fresh(trade_in):
    return TradeIn.objects.get(pk=trade_in.pk)


# --- Creation ---------------------------------------------------------------------------


def test_create_records_both_histories(trade_in, opportunity):
    assert trade_in.status == TradeIn.Status.TO_VALIDATE
    assert trade_in.customer_id == opportunity.customer_id
    assert trade_in.point_of_sale_id == opportunity.point_of_sale_id
    assert trade_in.vin == "VF3LBHNZ6JS123456" and trade_in.registration == "GH-123-JK"
    assert trade_in.events.filter(kind="created").exists()
    assert OpportunityEvent.objects.filter(
        opportunity=opportunity, message__startswith=f"Reprise n° {trade_in.pk}"
    ).exists()


def test_someone_who_does_not_see_the_opportunity_cannot_add_a_trade_in(
    opportunity, vehicle_data, pos
):
    other = UserFactory(group_type="vendeur", points_of_sale=[pos])
    with pytest.raises(PermissionDenied):
        tradeins_services.tradein_create(opportunity=opportunity, by=other, **vehicle_data)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("proposed_value", Decimal("-1")),
        ("requested_value", "1e30"),
        ("estimate", Decimal("99999999.99")),
        ("mileage", 5_000_000),
        ("mileage", -10),
        ("vin", "ABC"),
        ("vin", "VF3LBHNZ6JS12345O"),  # the letter O is never used
        ("brand", ""),
    ],
)
def test_bad_input_changes_nothing(opportunity, seller, vehicle_data, field, value):
    vehicle_data[field] = value
    with pytest.raises(ValidationError) as exc:
        tradeins_services.tradein_create(opportunity=opportunity, by=seller, **vehicle_data)
    assert field in exc.value.message_dict
    assert not TradeIn.objects.exists()


def test_edit_only_while_to_validate(trade_in, seller, validator, vehicle_data):
    vehicle_data["proposed_value"] = Decimal("10800.00")
    tradeins_services.tradein_update(trade_in=trade_in, by=seller, **vehicle_data)
    assert _fresh(trade_in).proposed_value == Decimal("10800.00")
    assert trade_in.events.filter(kind="updated").exists()
    tradeins_services.tradein_validate(trade_in=trade_in, by=validator)
    with pytest.raises(ValidationError):
        tradeins_services.tradein_update(trade_in=trade_in, by=seller, **vehicle_data)


# --- Status moves -----------------------------------------------------------------------


def test_validate_allowed_for_a_validator(trade_in, validator, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        tradeins_services.tradein_validate(trade_in=trade_in, by=validator)
    fresh = _fresh(trade_in)
    assert fresh.status == TradeIn.Status.VALIDATED
    assert fresh.decided_by == validator and fresh.decided_at
    assert fresh.events.filter(kind="validated").exists()
    # The salesperson learns it (in-app + email).
    seller = trade_in.opportunity.salesperson
    assert seller.notifications.filter(kind="tradein_decision").exists()


def test_refuse_needs_a_reason(trade_in, validator):
    with pytest.raises(ValidationError) as exc:
        tradeins_services.tradein_refuse(trade_in=trade_in, by=validator, reason="  ")
    assert "reason" in exc.value.message_dict
    assert _fresh(trade_in).status == TradeIn.Status.TO_VALIDATE
    tradeins_services.tradein_refuse(trade_in=trade_in, by=validator, reason="Cote trop basse")
    fresh = _fresh(trade_in)
    assert fresh.status == TradeIn.Status.REFUSED
    assert fresh.decision_reason == "Cote trop basse"


def test_auction_then_validate(trade_in, validator):
    tradeins_services.tradein_start_auction(trade_in=trade_in, by=validator)
    assert _fresh(trade_in).status == TradeIn.Status.AUCTION
    with pytest.raises(ValidationError):
        tradeins_services.tradein_start_auction(trade_in=trade_in, by=validator)
    tradeins_services.tradein_validate(trade_in=trade_in, by=validator)
    assert _fresh(trade_in).status == TradeIn.Status.VALIDATED


def test_auction_then_refuse(trade_in, validator):
    tradeins_services.tradein_start_auction(trade_in=trade_in, by=validator)
    tradeins_services.tradein_refuse(trade_in=trade_in, by=validator, reason="Enchères trop basses")
    assert _fresh(trade_in).status == TradeIn.Status.REFUSED


@pytest.mark.parametrize("service", ["tradein_validate", "tradein_start_auction"])
def test_final_statuses_do_not_move(trade_in, validator, service):
    tradeins_services.tradein_refuse(trade_in=trade_in, by=validator, reason="Non")
    with pytest.raises(ValidationError):
        getattr(tradeins_services, service)(trade_in=trade_in, by=validator)
    with pytest.raises(ValidationError):
        tradeins_services.tradein_refuse(trade_in=trade_in, by=validator, reason="Encore")
    assert _fresh(trade_in).status == TradeIn.Status.REFUSED


@pytest.mark.parametrize(
    "move",
    [
        lambda t, u: tradeins_services.tradein_validate(trade_in=t, by=u),
        lambda t, u: tradeins_services.tradein_start_auction(trade_in=t, by=u),
        lambda t, u: tradeins_services.tradein_refuse(trade_in=t, by=u, reason="Non"),
    ],
)
def test_moves_refused_without_the_right(trade_in, seller, manager, move, pos):
    other_pos_validator = UserFactory(
        group_type="valideur-reprises",
        rights=["validate_tradeins"],
        points_of_sale=[PointOfSaleFactory()],
    )
    for user in (seller, manager, other_pos_validator):
        with pytest.raises(PermissionDenied):
            move(trade_in, user)
    assert _fresh(trade_in).status == TradeIn.Status.TO_VALIDATE


def test_the_right_alone_or_the_group_type_alone_is_enough(trade_in, pos):
    right_only = UserFactory(
        group_type="directeur", rights=["validate_tradeins"], points_of_sale=[pos]
    )
    tradeins_services.tradein_start_auction(trade_in=trade_in, by=right_only)
    type_only = UserFactory(group_type="valideur-reprises", points_of_sale=[pos])
    tradeins_services.tradein_validate(trade_in=trade_in, by=type_only)
    assert _fresh(trade_in).status == TradeIn.Status.VALIDATED
    assert tradeins_selectors.tradein_actions(trade_in=_fresh(trade_in), user=admin_user()) != []


# --- Trade-in with an order: the offer totals -------------------------------------------


def test_validated_value_enters_the_offer_in_progress(
    opportunity, offer, seller, validator, vehicle_data
):
    vehicle_data["kind"] = "avec_commande"
    trade_in = tradeins_services.tradein_create(
        opportunity=opportunity, by=seller, offer=offer, **vehicle_data
    )
    assert Offer.objects.get(pk=offer.pk).trade_in_value == Decimal("0.00")
    tradeins_services.tradein_validate(trade_in=trade_in, by=validator)
    fresh = Offer.objects.get(pk=offer.pk)
    assert fresh.trade_in_value == Decimal("10500.00")
    totals = services.offer_totals(fresh)
    assert totals.net_to_pay == totals.total_ttc - Decimal("10500.00")


def test_a_validated_offer_keeps_its_values(opportunity, offer, seller, validator, vehicle_data):
    vehicle_data["kind"] = "avec_commande"
    trade_in = tradeins_services.tradein_create(
        opportunity=opportunity, by=seller, offer=offer, **vehicle_data
    )
    services.offer_validate(offer=offer, by=seller)
    tradeins_services.tradein_validate(trade_in=trade_in, by=validator)
    assert Offer.objects.get(pk=offer.pk).trade_in_value == Decimal("0.00")
    assert trade_in.events.filter(kind="offer", message__contains="non reportée").exists()


def test_only_an_offer_in_progress_of_the_opportunity_can_carry_it(
    opportunity, validated_offer, seller, vehicle_data
):
    vehicle_data["kind"] = "avec_commande"
    with pytest.raises(ValidationError) as exc:
        tradeins_services.tradein_create(
            opportunity=opportunity, by=seller, offer=validated_offer, **vehicle_data
        )
    assert "offer" in exc.value.message_dict


# --- Stock VO ---------------------------------------------------------------------------


def test_validated_trade_in_becomes_a_vo_in_pre_entry_once(trade_in, validator, seller):
    with pytest.raises(ValidationError):
        tradeins_services.tradein_stock_vehicle_create(
            trade_in=trade_in, by=seller
        )  # not validated
    settings = SalesSettings.current()
    settings.stock_entry_days = 21
    settings.save(update_fields=["stock_entry_days"])
    tradeins_services.tradein_validate(trade_in=trade_in, by=validator)
    vehicle = tradeins_services.tradein_stock_vehicle_create(trade_in=trade_in, by=validator)
    again = tradeins_services.tradein_stock_vehicle_create(trade_in=trade_in, by=seller)
    assert again.pk == vehicle.pk
    assert vehicle.parc == Parc.VO and vehicle.status == StandardStatus.PRE_ENTRY
    assert vehicle.vin == "VF3LBHNZ6JS123456" and vehicle.mileage == 62000
    fresh = _fresh(trade_in)
    expected = timezone.localdate() + timedelta(days=21)
    assert fresh.stock_vehicle_id == vehicle.pk and fresh.expected_entry_date == expected
    line = VehicleEvent.objects.get(vehicle=vehicle, data__trade_in=trade_in.pk)
    assert expected.strftime("%d/%m/%Y") in line.message
    assert fresh.events.filter(kind="stock", message__contains=expected.strftime("%d/%m/%Y"))


def test_a_trade_in_from_a_private_customer_enters_under_the_margin_scheme(trade_in, validator):
    """Issue 13: a private person sells without VAT; the dealer resells under article
    297 A of the CGI, and keeps what he paid (the margin, for his books)."""
    tradeins_services.tradein_validate(trade_in=trade_in, by=validator)

    vehicle = tradeins_services.tradein_stock_vehicle_create(trade_in=trade_in, by=validator)

    assert vehicle.vat_regime == VatRegime.MARGIN
    assert vehicle.purchase_price == Decimal("10500.00")
    line = VehicleEvent.objects.get(vehicle=vehicle, data__trade_in=trade_in.pk)
    assert line.data["vat_regime"] == "margin" and "TVA sur la marge" in line.message


def test_a_trade_in_from_a_company_enters_with_vat_on_the_whole_price(
    pos, seller, validator, vehicle_data, site
):
    company = CompanyFactory(point_of_sale=pos)
    opportunity = services.opportunity_create(
        customer=company, salesperson=seller, point_of_sale=pos, by=seller
    )
    trade_in = tradeins_services.tradein_create(opportunity=opportunity, by=seller, **vehicle_data)
    tradeins_services.tradein_validate(trade_in=trade_in, by=validator)

    vehicle = tradeins_services.tradein_stock_vehicle_create(trade_in=trade_in, by=validator)

    assert vehicle.vat_regime == VatRegime.NORMAL
    assert vehicle.purchase_price == Decimal("10500.00")


def test_stock_vo_needs_a_vin(opportunity, seller, validator, vehicle_data, site):
    vehicle_data["vin"] = ""
    trade_in = tradeins_services.tradein_create(opportunity=opportunity, by=seller, **vehicle_data)
    tradeins_services.tradein_validate(trade_in=trade_in, by=validator)
    with pytest.raises(ValidationError, match="VIN"):
        tradeins_services.tradein_stock_vehicle_create(trade_in=trade_in, by=validator)
    assert _fresh(trade_in).stock_vehicle_id is None


# --- Dry trade-in completion -------------------------------------------------------------


def test_dry_trade_in_completion_wins_the_opportunity(trade_in, validator, seller, opportunity):
    with pytest.raises(ValidationError):
        tradeins_services.tradein_complete(trade_in=trade_in, by=seller)  # not validated yet
    tradeins_services.tradein_validate(trade_in=trade_in, by=validator)
    tradeins_services.tradein_complete(trade_in=trade_in, by=seller)
    fresh = _fresh(trade_in)
    assert fresh.completed_at is not None
    offer = fresh.offer
    assert offer.status == Offer.Status.FINISHED
    assert offer.vehicle_id == fresh.stock_vehicle_id
    assert offer.vehicle_price == Decimal("0.00") and offer.trade_in_value == Decimal("10500.00")
    assert fresh.stock_vehicle.status == StandardStatus.PRE_ENTRY
    days = SalesSettings.current().stock_entry_days
    assert fresh.expected_entry_date == timezone.localdate() + timedelta(days=days)
    assert Opportunity.objects.get(pk=opportunity.pk).status == Opportunity.Status.WON
    with pytest.raises(ValidationError):
        tradeins_services.tradein_complete(trade_in=trade_in, by=seller)


def test_completion_refused_to_strangers_and_for_trade_ins_with_an_order(
    opportunity, offer, seller, validator, vehicle_data, pos
):
    vehicle_data["kind"] = "avec_commande"
    trade_in = tradeins_services.tradein_create(
        opportunity=opportunity, by=seller, offer=offer, **vehicle_data
    )
    tradeins_services.tradein_validate(trade_in=trade_in, by=validator)
    with pytest.raises(ValidationError):
        tradeins_services.tradein_complete(trade_in=trade_in, by=seller)
    stranger = UserFactory(group_type="vendeur", points_of_sale=[pos])
    with pytest.raises(PermissionDenied):
        tradeins_services.tradein_complete(trade_in=trade_in, by=stranger)
    assert Opportunity.objects.get(pk=opportunity.pk).status == Opportunity.Status.OPEN
