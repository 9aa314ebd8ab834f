"""Status delay alerts (V-9): lateness, snooze, opt-out, next status, the periodic scan."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from openflex.notifications.models import Notification, OutboundEmail
from tests.accounts.factories import PhysicalSiteFactory, UserFactory
from tests.vehicles.factories import VehicleFactory, local_days_ago
from vehicles.delays import selectors as delays
from vehicles.delays.services import (
    delay_scan,
    vehicle_delay_alerts_set,
    vehicle_delay_next_status,
    vehicle_delay_snooze,
)
from vehicles.models import DelayNotice, StatusMaxStay, Vehicle
from vehicles.services import lifeline_status_create

pytestmark = pytest.mark.django_db


def stay(statuses, code, days, parc="VO", destination="particulier"):
    return StatusMaxStay.objects.create(
        status=statuses[code], parc=parc, destination=destination, max_days=days
    )


def in_status_since(days: int, **kwargs) -> Vehicle:
    vehicle = VehicleFactory(**kwargs)
    Vehicle.objects.filter(pk=vehicle.pk).update(status_changed_at=local_days_ago(days))
    vehicle.refresh_from_db()
    return vehicle


def late_numbers() -> set[int]:
    return set(delays.late_vehicles(Vehicle.objects.all()).values_list("number", flat=True))


def test_late_when_the_stay_exceeds_the_maximum_of_its_status(statuses):
    stay(statuses, "entree_physique", 10)
    late = in_status_since(11, status="entree_physique")
    on_time = in_status_since(9, status="entree_physique")
    assert late_numbers() == {late.pk}
    assert on_time.pk not in late_numbers()


def test_the_maximum_depends_on_parc_and_destination(statuses):
    stay(statuses, "pre_entree", 30, parc="VO", destination="particulier")
    stay(statuses, "pre_entree", 5, parc="VN", destination="particulier")
    stay(statuses, "pre_entree", 60, parc="VO", destination="professionnel")
    vo_private = in_status_since(20, status="pre_entree", parc="VO")
    vn_private = in_status_since(20, status="pre_entree", parc="VN")
    vo_pro = in_status_since(40, status="pre_entree", parc="VO", destination="professionnel")
    vd_private = in_status_since(400, status="pre_entree", parc="VD")  # no rule for VD
    assert late_numbers() == {vn_private.pk}
    assert {vo_private.pk, vo_pro.pk, vd_private.pk}.isdisjoint(late_numbers())


def test_custom_statuses_have_their_own_maximum(statuses):
    custom = lifeline_status_create(label="Carrosserie", after=statuses["entree_physique"])
    StatusMaxStay.objects.create(status=custom, parc="VO", destination="particulier", max_days=3)
    vehicle = in_status_since(4, status=custom.code)
    assert late_numbers() == {vehicle.pk}


def test_statuses_from_delivery_on_are_never_late(statuses):
    stay(statuses, "livraison", 1)
    stay(statuses, "sortie", 1)
    in_status_since(100, status="livraison")
    in_status_since(100, status="sortie")
    assert late_numbers() == set()


def test_days_late_and_sorting(statuses):
    stay(statuses, "entree_physique", 10)
    a = in_status_since(15, status="entree_physique")
    b = in_status_since(25, status="entree_physique")
    rows = list(delays.late_vehicles(Vehicle.objects.all()).order_by("late_since"))
    assert [v.pk for v in rows] == [b.pk, a.pk]
    assert delays.days_late(rows[0].late_since) == 15


def test_snooze_until_a_future_date_then_it_expires(statuses, fleet_manager):
    stay(statuses, "entree_physique", 10)
    vehicle = in_status_since(20, status="entree_physique")
    until = timezone.localdate() + timedelta(days=7)
    vehicle_delay_snooze(vehicle=vehicle, by=fleet_manager, until=until, reason="Attente pièces")
    assert vehicle.pk not in late_numbers()
    vehicle.refresh_from_db()
    assert vehicle.delay_reason == "Attente pièces"
    assert vehicle.events.filter(kind="alert", message__contains="Attente pièces").exists()
    # The day after the snooze ends, the vehicle is late again.
    later = timezone.now() + timedelta(days=8)
    assert vehicle.pk in set(
        delays.late_vehicles(Vehicle.objects.all(), now=later).values_list("number", flat=True)
    )


def test_snooze_refuses_a_past_date_or_a_too_long_reason(statuses, fleet_manager):
    vehicle = in_status_since(20, status="entree_physique")
    with pytest.raises(ValidationError) as exc:
        vehicle_delay_snooze(
            vehicle=vehicle, by=fleet_manager, until=timezone.localdate() - timedelta(days=1)
        )
    assert "until" in exc.value.message_dict
    with pytest.raises(ValidationError):
        vehicle_delay_snooze(
            vehicle=vehicle,
            by=fleet_manager,
            until=timezone.localdate() + timedelta(days=2),
            reason="x" * 501,
        )
    vehicle.refresh_from_db()
    assert vehicle.delay_snoozed_until is None
    assert not vehicle.events.exists()


def test_opt_out_stops_all_alerts_for_the_vehicle(statuses, fleet_manager):
    stay(statuses, "entree_physique", 10)
    vehicle = in_status_since(20, status="entree_physique")
    vehicle_delay_alerts_set(vehicle=vehicle, by=fleet_manager, off=True)
    assert late_numbers() == set()
    assert delay_scan()["vehicles"] == 0
    vehicle_delay_alerts_set(vehicle=vehicle, by=fleet_manager, off=False)
    assert late_numbers() == {vehicle.pk}


def test_next_status_action_keeps_the_reason_on_the_status_change(statuses, fleet_manager):
    stay(statuses, "entree_physique", 10)
    vehicle = in_status_since(20, status="entree_physique")
    vehicle_delay_next_status(
        vehicle=vehicle, by=fleet_manager, to="stock_vente", reason="Garantie enfin saisie"
    )
    vehicle.refresh_from_db()
    assert vehicle.status == "stock_vente"
    change = vehicle.events.get(to_status="stock_vente")
    assert change.reason == "Garantie enfin saisie"
    assert vehicle.events.filter(kind="status", message__contains="Garantie enfin saisie").exists()
    assert vehicle.pk not in late_numbers()


def test_next_status_refuses_a_move_the_lifeline_does_not_allow(statuses, fleet_manager):
    vehicle = in_status_since(20, status="entree_physique")
    with pytest.raises(ValidationError):
        vehicle_delay_next_status(vehicle=vehicle, by=fleet_manager, to="livraison")
    with pytest.raises(ValidationError):
        vehicle_delay_next_status(vehicle=vehicle, by=fleet_manager, to="pre_entree", reason="x")
    vehicle.refresh_from_db()
    assert vehicle.status == "entree_physique"


@pytest.fixture
def two_points_of_sale(statuses):
    stay(statuses, "entree_physique", 10)
    site_a, site_b = PhysicalSiteFactory(), PhysicalSiteFactory()
    manager_a = UserFactory(
        group_type="gestionnaire-parc",
        rights=["change_vehicle_configuration"],
        points_of_sale=[site_a.point_of_sale],
    )
    manager_b = UserFactory(
        group_type="gestionnaire-parc",
        rights=["change_vehicle_configuration"],
        points_of_sale=[site_b.point_of_sale],
    )
    salesperson_a = UserFactory(group_type="vendeur", points_of_sale=[site_a.point_of_sale])
    late_a = [in_status_since(20, status="entree_physique", physical_site=site_a) for _ in range(3)]
    late_b = in_status_since(20, status="entree_physique", physical_site=site_b)
    return manager_a, manager_b, salesperson_a, late_a, late_b


def test_scan_sends_one_digest_per_fleet_manager_of_the_point_of_sale(
    two_points_of_sale, django_capture_on_commit_callbacks
):
    manager_a, manager_b, salesperson_a, late_a, late_b = two_points_of_sale
    with django_capture_on_commit_callbacks(execute=True):
        result = delay_scan()
    assert result == {"vehicles": 4, "recipients": 2}
    assert sorted(m.to[0] for m in mail.outbox) == sorted([manager_a.email, manager_b.email])
    digest_a = next(m for m in mail.outbox if m.to == [manager_a.email])
    assert "3 véhicules" in digest_a.body
    assert all(f"n° {v.pk} " in digest_a.body for v in late_a)
    assert f"n° {late_b.pk} " not in digest_a.body
    assert Notification.objects.filter(recipient=manager_a, kind="late_vehicles").count() == 1
    assert not Notification.objects.filter(recipient=salesperson_a).exists()


def test_scan_twice_sends_nothing_the_second_time(
    two_points_of_sale, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        delay_scan()
        second = delay_scan()
    assert second == {"vehicles": 0, "recipients": 0}
    assert len(mail.outbox) == 2
    assert OutboundEmail.objects.filter(kind="late_vehicles_digest").count() == 2


def test_a_vehicle_late_again_in_its_next_status_is_notified_again(
    two_points_of_sale, statuses, fleet_manager
):
    manager_a, _b, _s, late_a, _lb = two_points_of_sale
    stay(statuses, "stock_vente", 5)
    delay_scan()
    vehicle = late_a[0]
    vehicle_delay_next_status(vehicle=vehicle, by=fleet_manager, to="stock_vente")
    Vehicle.objects.filter(pk=vehicle.pk).update(
        status_changed_at=timezone.now() - timedelta(days=6)
    )
    assert delay_scan() == {"vehicles": 1, "recipients": 1}


def test_scan_query_count_does_not_grow_with_the_number_of_late_vehicles(
    two_points_of_sale, statuses
):
    _ma, _mb, _s, late_a, late_b = two_points_of_sale
    delay_scan()  # first run ever: creates the job's lock row
    DelayNotice.objects.all().delete()
    with CaptureQueriesContext(connection) as few:
        assert delay_scan()["vehicles"] == 4
    DelayNotice.objects.all().delete()
    site = late_a[0].physical_site
    for _ in range(20):
        in_status_since(20, status="entree_physique", physical_site=site)
    with CaptureQueriesContext(connection) as many:
        result = delay_scan()
    assert result["vehicles"] == 24
    assert len(many) == len(few)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_scan_running_elsewhere_makes_a_second_one_send_nothing(two_points_of_sale):
    """Two workers at once: the second finds the job's lock held and sends nothing."""
    from openflex.core.jobs import job_lock

    delay_scan()
    DelayNotice.objects.all().delete()
    with job_lock("vehicles-delay-scan") as acquired:
        assert acquired
        # Inside the same transaction the row is ours; a second worker would skip it.
        # Simulate it from another connection:
        import threading

        from django.db import connections

        results = []

        def other_worker():
            try:
                results.append(delay_scan())
            finally:
                connections.close_all()

        thread = threading.Thread(target=other_worker)
        thread.start()
        thread.join(10)
    assert results == [{"vehicles": 0, "recipients": 0}]
