"""The pages of the leads' inbox (L-1, L-2, L-7): list (query pins, filters), manual
creation (bad input kept), task page and its actions, conversion, settings."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from leads.inbox import services as inbox
from leads.inbox.models import LeadAssignment, LeadSettings, LeadStatus, LeadTag, LeadTask
from tests.accounts.factories import PointOfSaleFactory, UserFactory, admin_user
from tests.leads.factories import lead_settings, lead_task, tag
from tests.lists import assert_list_queries
from tests.opportunities.factories import CustomerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def pos():
    return PointOfSaleFactory()


@pytest.fixture
def seller(pos):
    return UserFactory(points_of_sale=[pos], group_type="vendeur")


@pytest.fixture
def manager(pos):
    return UserFactory(points_of_sale=[pos], group_type="chef-des-ventes")


def test_the_list_query_count_does_not_grow_with_rows(client, seller, pos):
    """X-2: tags, status, source, assignee of every row in a constant number of queries."""
    client.force_login(seller)

    def rows(n):
        for i in range(n):
            lead_task(pos, tags=[tag("vo"), tag("particulier")], assigned_to=seller,
                      email=f"c{i}@example.test")  # fmt: skip

    counts = assert_list_queries(client, reverse("leads:index"), rows, budget=12)
    assert "Particulier" in counts.html and "Dupont" in counts.html


def test_the_list_shows_only_the_users_points_of_sale(client, seller, pos):
    mine = lead_task(pos, last_name="Mienne")
    lead_task(PointOfSaleFactory(), last_name="Autrui")
    client.force_login(seller)
    html = client.get(reverse("leads:index")).content.decode()
    assert "MIENNE" in html and "AUTRUI" not in html
    assert client.get(reverse("leads:task_detail", args=[mine.pk])).status_code == 200
    other = LeadTask.objects.get(last_name="Autrui")
    assert client.get(reverse("leads:task_detail", args=[other.pk])).status_code == 404


def test_filters_tags_state_status_neglected_search(client, seller, pos):
    lead_settings(pos, lifetime_minutes=60, reminders_enabled=False, reminder_count=1)
    vo = lead_task(pos, last_name="Vo", tags=[tag("vo")], email="vo@example.test")
    vd = lead_task(pos, last_name="Vd", tags=[tag("vd")], mobile="07 81 22 33 44",
                   received_at=timezone.now() - timedelta(hours=2))  # fmt: skip
    done = lead_task(pos, last_name="Fini", state=LeadTask.State.DONE)
    client.force_login(seller)

    def names(query):
        response = client.get(reverse("leads:index") + query)
        assert response.status_code == 200
        return {t.pk for t in response.context["page"]}

    assert names(f"?tags={tag('vd').pk}") == {vd.pk}
    assert names("?state=terminee") == {done.pk}
    assert names(f"?status={LeadStatus.objects.get(code='nouveau').pk}&state=ouverte") == {
        vo.pk, vd.pk,
    }  # fmt: skip
    assert names("?neglected=true") == {vd.pk}
    assert names("?q=0781223344") == {vd.pk}
    assert names("?q=vo%40example") == {vo.pk}
    assert names("?assigned=personne") == {vo.pk, vd.pk, done.pk}
    assert names("?sort=nope")  # an unknown sort: the default applies, no 500


def test_manual_creation(client, seller, pos):
    client.force_login(seller)
    response = client.post(
        reverse("leads:task_create"),
        {
            "point_of_sale": pos.pk,
            "source": inbox.manual_source().pk,
            "civility": "Mme",
            "last_name": "Martin",
            "mobile": "06 98 76 54 32",
            "tags": [tag("apv").pk],
            "take": "on",
        },
    )
    task = LeadTask.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("leads:task_detail", args=[task.pk])
    assert task.mobile == "+33698765432" and task.assigned_to == seller
    assert task.created_by == seller and task.first_action_at is not None


def test_manual_creation_with_bad_input_keeps_what_was_typed(client, seller, pos):
    """X-4: errors next to the fields, the values kept, nothing created."""
    client.force_login(seller)
    response = client.post(
        reverse("leads:task_create"),
        {
            "point_of_sale": pos.pk,
            "source": inbox.manual_source().pk,
            "last_name": "Martin",
            "email": "pas-un-email",
            "mobile": "12",
        },
    )
    assert response.status_code == 400
    form = response.context["form"]
    assert set(form.errors) == {"email", "mobile"}
    html = response.content.decode()
    assert 'value="pas-un-email"' in html and 'value="Martin"' in html
    assert not LeadTask.objects.exists()
    empty = client.post(reverse("leads:task_create"), {"point_of_sale": pos.pk})
    assert empty.status_code == 400 and not LeadTask.objects.exists()


def test_creation_at_another_point_of_sale_is_refused(client, seller):
    client.force_login(seller)
    other = PointOfSaleFactory()
    response = client.post(
        reverse("leads:task_create"),
        {"point_of_sale": other.pk, "source": inbox.manual_source().pk, "last_name": "X"},
    )
    assert response.status_code == 400 and not LeadTask.objects.exists()


def test_take_the_task(client, seller, pos):
    """ "Prendre la tâche": allowed when nobody has it; refused when another user has it."""
    task = lead_task(pos)
    client.force_login(seller)
    page = client.get(reverse("leads:task_detail", args=[task.pk])).content.decode()
    assert "Prendre la tâche" in page
    client.post(reverse("leads:task_action", args=[task.pk, "prendre"]))
    task.refresh_from_db()
    assert task.assigned_to == seller and task.first_action_at is not None
    other = UserFactory(points_of_sale=[pos], group_type="vendeur")
    client.force_login(other)
    response = client.post(reverse("leads:task_action", args=[task.pk, "prendre"]), follow=True)
    assert "déjà prise" in response.content.decode()
    task.refresh_from_db()
    assert task.assigned_to == seller


def test_a_manager_takes_it_over_and_assigns(client, seller, manager, pos):
    task = lead_task(pos, assigned_to=seller)
    client.force_login(manager)
    client.post(reverse("leads:task_action", args=[task.pk, "attribuer"]), {"user": ""})
    task.refresh_from_db()
    assert task.assigned_to is None
    client.force_login(seller)
    response = client.post(reverse("leads:task_action", args=[task.pk, "attribuer"]),
                           {"user": seller.pk}, follow=True)  # fmt: skip
    assert "pas le droit" in response.content.decode()
    task.refresh_from_db()
    assert task.assigned_to is None


def test_status_and_state_changes(client, seller, pos):
    task = lead_task(pos)
    client.force_login(seller)
    rdv = LeadStatus.objects.get(code="rendez-vous")
    client.post(reverse("leads:task_action", args=[task.pk, "statut"]), {"status": rdv.pk})
    task.refresh_from_db()
    assert task.status == rdv and task.next_reminder_at is None
    bad = client.post(reverse("leads:task_action", args=[task.pk, "statut"]), {"status": "x"})
    assert bad.status_code == 400
    client.post(reverse("leads:task_action", args=[task.pk, "terminer"]))
    task.refresh_from_db()
    assert task.state == "terminee"
    # finishing again is refused (not a transition from Terminée)
    response = client.post(reverse("leads:task_action", args=[task.pk, "terminer"]), follow=True)
    assert "pas possible" in response.content.decode()
    page = client.get(reverse("leads:task_detail", args=[task.pk])).content.decode()
    assert "Rouvrir la tâche" in page and "Terminer la tâche" not in page
    client.post(reverse("leads:task_action", args=[task.pk, "rouvrir"]))
    task.refresh_from_db()
    assert task.state == "ouverte"
    events = list(task.events.values_list("kind", flat=True))
    assert events.count("state") == 2 and "status" in events


def test_state_transitions_are_refused_out_of_scope(client, pos):
    task = lead_task(pos)
    stranger = UserFactory(points_of_sale=[PointOfSaleFactory()], group_type="vendeur")
    client.force_login(stranger)
    assert client.post(reverse("leads:task_action", args=[task.pk, "terminer"])).status_code == 404
    fleet = UserFactory(points_of_sale=[pos], group_type="gestionnaire-parc")
    client.force_login(fleet)
    assert client.post(reverse("leads:task_action", args=[task.pk, "terminer"])).status_code == 403
    task.refresh_from_db()
    assert task.state == "ouverte"


def test_conversion_page_asks_to_confirm_an_existing_customer(client, seller, pos):
    known = CustomerFactory(point_of_sale=pos, email="jean.dupont@example.test")
    task = lead_task(pos)
    client.force_login(seller)
    url = reverse("leads:task_convert", args=[task.pk])
    page = client.get(url)
    assert page.status_code == 200 and known.display_name in page.content.decode()
    assert client.post(url, {}).status_code == 400  # a choice is required
    response = client.post(url, {"customer": str(known.pk)})
    task.refresh_from_db()
    assert response.status_code == 302
    assert response["Location"] == reverse("opportunities:detail", args=[task.opportunity_id])
    assert task.opportunity.customer == known


def test_conversion_page_without_match_creates_the_customer(client, seller, pos):
    task = lead_task(pos, email="inconnu@example.test", mobile="")
    client.force_login(seller)
    response = client.post(reverse("leads:task_convert", args=[task.pk]))
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.opportunity.customer.email == "inconnu@example.test"


def test_the_secretary_sees_no_conversion(client, pos):
    task = lead_task(pos)
    secretary = UserFactory(points_of_sale=[pos], group_type="secretaire")
    client.force_login(secretary)
    page = client.get(reverse("leads:task_detail", args=[task.pk])).content.decode()
    assert "Convertir en opportunité" not in page and "Prendre la tâche" in page
    assert client.get(reverse("leads:task_convert", args=[task.pk])).status_code == 403


def test_the_neglected_tile_counts_for_managers(client, manager, pos):
    from openflex.home.tiles import tile_get

    lead_settings(pos, lifetime_minutes=30, reminders_enabled=False, reminder_count=1)
    lead_task(pos, received_at=timezone.now() - timedelta(hours=1))
    lead_task(pos)
    tile = tile_get("leads-neglected")
    assert tile.visible_to(manager)
    assert tile.count(manager) == 1
    assert not tile.visible_to(UserFactory(points_of_sale=[pos], group_type="vendeur"))


def test_settings_of_a_point_of_sale(client, pos, seller):
    admin = admin_user()
    client.force_login(admin)
    url = reverse("leads:settings_pos", args=[pos.pk])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "s-lifetime_minutes": "90",
            "s-reminders_enabled": "on",
            "s-reminder_count": "2",
            f"a-type_{tag('vo').pk}": [seller.pk],
        },
    )
    assert response.status_code == 302
    settings = LeadSettings.objects.get(point_of_sale=pos)
    assert (settings.lifetime_minutes, settings.reminder_count) == (90, 2)
    assert list(LeadAssignment.objects.values_list("user", "lead_type")) == [
        (seller.pk, tag("vo").pk)
    ]
    bad = client.post(url, {"s-lifetime_minutes": "-5", "s-reminder_count": "3"})
    assert bad.status_code == 400
    assert 'value="-5"' in bad.content.decode()
    assert client.get(reverse("leads:settings")).status_code == 200


def test_administrators_add_tags_and_statuses(client):
    """L-1: the administrators' own tags; the editable statuses and their flags."""
    client.force_login(admin_user())
    url = reverse("leads:reference_lists")
    assert client.get(url).status_code == 200
    client.post(url, {"do": "tag", "tag-name": "Flotte", "tag-group": "autre"})
    assert LeadTag.objects.filter(name="Flotte", group="autre").exists()
    duplicate = client.post(url, {"do": "tag", "tag-name": "VO", "tag-group": "autre"})
    assert duplicate.status_code == 400 and "existe déjà" in duplicate.content.decode()
    client.post(url, {"do": "status", "status": "", "new-name": "Devis envoyé",
                      "new-counts_as_handled": "on", "new-is_active": "on"})  # fmt: skip
    status = LeadStatus.objects.get(name="Devis envoyé")
    assert status.counts_as_handled and not status.is_appointment
    new = LeadStatus.objects.get(code="nouveau")
    refused = client.post(url, {"do": "status", "status": new.pk, "new-name": "Nouveau"})
    assert refused.status_code == 400
    assert LeadStatus.objects.get(code="nouveau").is_active
    client.force_login(UserFactory(group_type="directeur"))
    assert client.get(url).status_code == 403


def test_a_status_withdrawn_from_the_list_is_refused_and_changes_nothing(seller, pos):
    """L-1: the statuses are an editable list; one that is no longer offered cannot be
    given to a task (``LeadTask.move_to_status``, the one place the status changes)."""
    from django.core.exceptions import ValidationError

    task = lead_task(pos)
    before = task.status_id
    withdrawn = LeadStatus.objects.get(code="suivi")
    LeadStatus.objects.filter(pk=withdrawn.pk).update(is_active=False)
    withdrawn.refresh_from_db()
    with pytest.raises(ValidationError):
        inbox.lead_task_status_change(task=task, by=seller, status=withdrawn)
    task.refresh_from_db()
    assert task.status_id == before
    assert not task.events.filter(kind="status").exists()
