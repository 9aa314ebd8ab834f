"""The call pages (L-3): "Appels manqués" / "Appels connectés" tables (list recipe, query
pins), the tracking numbers with their statistics over a period, a number's call history
with the missing-summary sentence; the administrators' screen of the numbers."""

from datetime import timedelta

import pytest
from django.utils import timezone

from leads.calls.models import TrackingNumber
from leads.inbox.models import LeadStatus, LeadTag, LeadTask
from leads.inbox.services import lead_reference_ensure
from tests.accounts.factories import PointOfSaleFactory, UserFactory, admin_user
from tests.leads.calls.factories import CallFactory, TrackingNumberFactory
from tests.lists import assert_list_queries
from tests.vehicles.factories import local_days_ago

pytestmark = pytest.mark.django_db

NO_SUMMARY = "Le résumé n'est pas disponible dû à une mauvaise qualité de l'appel."


@pytest.fixture
def pos():
    lead_reference_ensure()
    return PointOfSaleFactory(name="Lyon")


@pytest.fixture
def seller(pos):
    return UserFactory(group_type="vendeur", points_of_sale=[pos])


@pytest.fixture
def number(pos):
    return TrackingNumberFactory(point_of_sale=pos, label="Site web Lyon", number="+33478000001")


def test_missed_calls_table(client, seller, number):
    CallFactory(tracking_number=number, caller="+33612345678", answered=False)
    CallFactory(tracking_number=number, caller="+33699999999", answered=True, duration_seconds=61)
    CallFactory(tracking_number=TrackingNumberFactory(), answered=False)  # elsewhere
    client.force_login(seller)
    html = client.get("/leads/appels/manques/").content.decode()
    assert "Appels manqués" in html
    assert "06 12 34 56 78" in html and "06 99 99 99 99" not in html
    assert "1 appel" in html


def test_connected_calls_table_with_summary_or_the_missing_summary_sentence(client, seller, number):
    CallFactory(tracking_number=number, answered=True, duration_seconds=61, summary="Essai samedi")
    CallFactory(tracking_number=number, answered=True, duration_seconds=5, summary="")
    client.force_login(seller)
    html = client.get("/leads/appels/connectes/").content.decode()
    assert "Essai samedi" in html and "1 min 01 s" in html
    assert NO_SUMMARY.replace("'", "&#x27;") in html


def test_the_caller_filter_takes_any_format(client, seller, number):
    CallFactory(tracking_number=number, caller="+33612345678")
    CallFactory(tracking_number=number, caller="+33700000000")
    client.force_login(seller)
    response = client.get("/leads/appels/manques/?q=06+12+34")
    assert response.context["page"].paginator.count == 1


@pytest.mark.parametrize("path", ["/leads/appels/manques/", "/leads/appels/connectes/"])
def test_call_tables_query_count_does_not_grow_with_rows(client, seller, number, pos, path):
    answered = "connectes" in path
    task_pos = pos

    def make(n):
        for _ in range(n):
            call = CallFactory(tracking_number=number, answered=answered)
            from leads.inbox.services import lead_task_create

            call.task = lead_task_create(point_of_sale=task_pos, last_name="X")
            call.save(update_fields=["task"])

    client.force_login(seller)
    assert_list_queries(client, path, make, budget=10)


def test_tracking_numbers_with_statistics_over_a_period(client, seller, number, pos):
    """Incoming, answered %, missed % per number; calls outside the period left out."""
    for days, answered in [(1, True), (2, True), (2, False), (3, True), (40, False)]:
        CallFactory(tracking_number=number, answered=answered, started_at=local_days_ago(days))
    other = TrackingNumberFactory(point_of_sale=pos, label="Leboncoin")
    client.force_login(seller)
    today = timezone.localdate()
    response = client.get(
        f"/leads/numeros-traceurs/?date_from={(today - timedelta(days=9)).isoformat()}"
        f"&date_to={today.isoformat()}"
    )
    rows = {n.label: n for n in response.context["numbers"]}
    lyon = rows["Site web Lyon"]
    assert (lyon.incoming, lyon.answered_count, lyon.missed_count) == (4, 3, 1)
    assert (lyon.answered_pct, lyon.missed_pct) == (75, 25)
    assert rows[other.label].incoming == 0 and rows[other.label].answered_pct is None
    html = response.content.decode()
    assert "75 %" in html and "25 %" in html


def test_a_numbers_history(client, seller, number):
    CallFactory(tracking_number=number, answered=False, summary="")
    CallFactory(tracking_number=number, answered=True, summary="Rappeler lundi")
    client.force_login(seller)
    response = client.get(f"/leads/numeros-traceurs/{number.pk}/")
    html = response.content.decode()
    assert "Historique des appels" in html and "Rappeler lundi" in html
    assert NO_SUMMARY.replace("'", "&#x27;") in html
    stats = response.context["stats"]
    assert (stats.incoming, stats.answered_pct, stats.missed_pct) == (2, 50, 50)


def test_a_number_of_another_point_of_sale_is_a_404(client, seller):
    client.force_login(seller)
    other = TrackingNumberFactory()
    assert client.get(f"/leads/numeros-traceurs/{other.pk}/").status_code == 404


# --- Administrators --------------------------------------------------------------------


def test_an_administrator_creates_a_tracking_number(client, pos):
    client.force_login(admin_user())
    vd = LeadTag.objects.get(code="vd")
    response = client.post(
        "/parametres/leads/numeros-traceurs/",
        {
            "point_of_sale": pos.pk,
            "number": "04 78 00 00 02",
            "label": "Annonces VD",
            "tags": [vd.pk],
            "missed_creates_task": "on",
            "missed_task_status": LeadStatus.FOLLOW_UP,
            "missed_task_state": LeadTask.State.OPEN,
            "connected_task_status": LeadStatus.NEW,
            "connected_task_state": LeadTask.State.DONE,
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    number = TrackingNumber.objects.get()
    assert number.number == "+33478000002"
    assert number.missed_task_status == LeadStatus.FOLLOW_UP
    assert not number.connected_creates_task
    assert list(number.tags.all()) == [vd]


def test_bad_input_keeps_what_was_typed_and_says_what_is_wrong(client, pos, number):
    client.force_login(admin_user())
    response = client.post(
        "/parametres/leads/numeros-traceurs/",
        {
            "point_of_sale": pos.pk,
            "number": "04 78 00 00 01",  # exists already (as +33478000001)
            "label": "Doublon",
            "missed_task_status": LeadStatus.NEW,
            "missed_task_state": LeadTask.State.OPEN,
            "connected_task_status": LeadStatus.NEW,
            "connected_task_state": LeadTask.State.OPEN,
        },
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Ce numéro traceur existe déjà." in html
    assert 'value="Doublon"' in html
    response = client.post(
        "/parametres/leads/numeros-traceurs/",
        {"point_of_sale": pos.pk, "number": "12", "label": "Faux"},
    )
    assert response.status_code == 400
    assert "Ce numéro de téléphone n&#x27;est pas valide." in response.content.decode()
    assert TrackingNumber.objects.count() == 1


def test_an_administrator_changes_the_settings_not_the_number(client, number):
    client.force_login(admin_user())
    response = client.post(
        f"/parametres/leads/numeros-traceurs/{number.pk}/",
        {
            "number": "+33499999999",  # disabled: ignored
            "label": "Site web",
            "connected_creates_task": "on",
            "missed_task_status": LeadStatus.NEW,
            "missed_task_state": LeadTask.State.OPEN,
            "connected_task_status": LeadStatus.FOLLOW_UP,
            "connected_task_state": LeadTask.State.DONE,
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    number.refresh_from_db()
    assert (number.number, number.label) == ("+33478000001", "Site web")
    assert number.connected_creates_task and not number.missed_creates_task


def test_only_administrators_set_tracking_numbers(client, number, pos):
    client.force_login(UserFactory(group_type="directeur", points_of_sale=[pos]))
    assert client.get("/parametres/leads/numeros-traceurs/").status_code == 403
    assert client.get(f"/parametres/leads/numeros-traceurs/{number.pk}/").status_code == 403


def test_tracking_numbers_pages_query_count_does_not_grow_with_rows(client, seller, number, pos):
    """The numbers' list (one query for the figures) and a number's history."""
    client.force_login(seller)

    def more_numbers(n):
        for _ in range(n):
            CallFactory(tracking_number=TrackingNumberFactory(point_of_sale=pos))

    assert_list_queries(client, "/leads/numeros-traceurs/", more_numbers, budget=8, partial=False)

    def more_calls(n):
        CallFactory.create_batch(n, tracking_number=number, answered=True, summary="")

    assert_list_queries(client, f"/leads/numeros-traceurs/{number.pk}/", more_calls, budget=10)
