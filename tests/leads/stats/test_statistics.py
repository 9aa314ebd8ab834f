"""Lead statistics on a known data set (L-4, L-5, L-6): exact figures by source (with the
categories' own medians), by collaborator (team total), transformation (with tags), the
leads-per-day chart and the funnel; rights; a constant number of queries."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from leads.stats import selectors
from leads.stats.forms import Period
from tests.accounts.factories import UserFactory
from tests.leads.stats.conftest import make_task

pytestmark = pytest.mark.django_db


def _period():
    today = timezone.localdate()
    return Period(today - timedelta(days=9), today)


def _scope(world):
    return [world.pos_a.pk, world.pos_b.pk]


def test_source_statistics_unfold_categories_into_sources(world):
    categories, total = selectors.source_statistics(
        period=_period(), point_of_sale_ids=_scope(world)
    )
    assert [c.label for c in categories] == ["Site web", "Portail"]
    web, portal = categories
    assert web.figures == {
        "total": 2,
        "categorised": 2,
        "assigned": 2,
        "treated": 1,
        "reactivity": 1200.0,  # median of 10 and 30 minutes
        "connected": 1,
        "insignificant": 0,
    }
    assert web.treated_pct == 50 and web.reactivity_display == "20 min"
    assert [s.label for s in web.children] == ["Site web Lyon"]
    assert portal.figures == {
        "total": 2,
        "categorised": 1,
        "assigned": 1,
        "treated": 1,
        "reactivity": 3600.0,
        "connected": 0,
        "insignificant": 1,
    }
    centrale, leboncoin = portal.children
    assert (centrale.label, centrale.total, centrale.categorised, centrale.reactivity) == (
        "La Centrale",
        1,
        1,
        None,
    )
    assert (leboncoin.label, leboncoin.assigned, leboncoin.insignificant) == ("Leboncoin", 1, 1)
    assert total.figures == {
        "total": 4,
        "categorised": 3,
        "assigned": 3,
        "treated": 2,
        "reactivity": 1800.0,  # median of 10, 30 and 60 minutes
        "connected": 1,
        "insignificant": 1,
    }
    assert total.reactivity_display == "30 min"


def test_collaborator_statistics_with_a_team_total(world):
    rows, team = selectors.collaborator_statistics(
        period=_period(), point_of_sale_ids=_scope(world)
    )
    assert [r.label for r in rows] == ["DURAND Paul", "MARTIN Zoé"]
    durand, martin = rows
    t2 = world.tasks[1]
    assert durand.figures == {
        "total": 2,
        "share": 67,
        "inbound": 2,
        "reactivity": 1200.0,
        "last_action": t2.last_action_at,
        "connected": 1,
        "insignificant": 0,
        "calls": 2,
    }
    assert (martin.total, martin.share, martin.reactivity, martin.insignificant, martin.calls) == (
        1,
        33,
        3600.0,
        1,
        0,
    )
    assert (team.total, team.share, team.inbound, team.reactivity, team.calls) == (
        3,
        100,
        3,
        1800.0,
        2,
    )
    assert team.last_action == world.tasks[2].last_action_at  # T3, an hour after reception


def test_transformation_per_point_of_sale_and_origin_with_tags(world):
    rows, total = selectors.transformation_statistics(
        period=_period(), point_of_sale_ids=_scope(world)
    )
    got = [
        (r.point_of_sale, r.origin, r.total, r.converted, r.sales, r.trade_ins, r.tags)
        for r in rows
    ]
    assert got == [
        ("Lyon", "Site web", 2, 1, 1, 1, [("VN", 1), ("VO", 1)]),
        ("Lyon", "Portail", 1, 0, 0, 0, [("VD", 1)]),
        ("Villeurbanne", "Portail", 1, 0, 0, 0, []),
    ]
    assert rows[0].converted_pct == rows[0].sales_pct == 50
    assert rows[0].tags_display == "VN 1 · VO 1"
    assert (total.total, total.converted, total.sales, total.trade_ins) == (4, 1, 1, 1)


def test_vd_is_a_lead_type_of_the_statistics(world):
    """L-4: VD counts as a lead type (categorised) and appears in the Tags column."""
    categories, _total = selectors.source_statistics(
        period=_period(), point_of_sale_ids=[world.pos_a.pk]
    )
    centrale = categories[1].children[0]
    assert (centrale.label, centrale.categorised) == ("La Centrale", 1)


def test_leads_per_day_and_funnel(world):
    days, series = selectors.leads_per_day(period=_period(), point_of_sale_ids=_scope(world))
    assert len(days) == 10
    today = timezone.localdate()
    by_name = dict(series)
    assert list(by_name) == ["Site web", "Portail"]
    index = {d: i for i, d in enumerate(days)}
    assert by_name["Site web"][index[today - timedelta(days=3)]] == 1
    assert by_name["Site web"][index[today - timedelta(days=2)]] == 1
    assert by_name["Portail"][index[today - timedelta(days=2)]] == 1
    assert by_name["Portail"][index[today - timedelta(days=1)]] == 1
    assert sum(by_name["Site web"]) + sum(by_name["Portail"]) == 4
    totals = selectors.funnel_totals(period=_period(), point_of_sale_ids=_scope(world))
    assert selectors.funnel_steps(totals) == [
        ("Leads reçus", 4),
        ("Attribués", 3),
        ("Traités", 2),
        ("Transformés en opportunité", 1),
        ("Ventes", 1),
    ]


def test_duration_display():
    assert selectors.duration_display(None) == "—"
    assert selectors.duration_display(42) == "42 s"
    assert selectors.duration_display(3 * 3600 + 5 * 60) == "3 h 05"
    assert selectors.duration_display(2 * 86400 + 4 * 3600) == "2 j 4 h"


# --- The page ------------------------------------------------------------------------------


def _url(view, **extra):
    today = timezone.localdate()
    params = {
        "vue": view,
        "date_from": (today - timedelta(days=9)).isoformat(),
        "date_to": today.isoformat(),
        **extra,
    }
    return "/leads/statistiques/?" + "&".join(f"{k}={v}" for k, v in params.items())


@pytest.mark.parametrize("view", ["sources", "collaborateurs", "transformation"])
def test_the_page_shows_each_table_to_a_sales_manager(client, world, view):
    client.force_login(world.manager)
    response = client.get(_url(view))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Statistiques des leads" in html
    if view == "sources":
        assert "Site web Lyon" in html and "<svg" in html and "20 min" in html
    elif view == "collaborateurs":
        assert "DURAND Paul" in html and "Équipe" in html and "frozen-first" in html
    else:
        assert "Entonnoir de conversion" in html and "VD 1" in html


def test_the_scope_is_the_users_points_of_sale(client, world):
    """A point of sale outside the user's is not a choice; the default scope is his."""
    client.force_login(world.manager)
    response = client.get(_url("sources", point_of_sale=world.pos_c.pk))
    assert response.status_code == 200
    assert response.context["form"].errors["point_of_sale"]
    assert response.context["total"].total == 4  # the default scope: Lyon + Villeurbanne


def test_a_bad_period_is_reported_next_to_the_field(client, world):
    client.force_login(world.manager)
    today = timezone.localdate()
    response = client.get(
        f"/leads/statistiques/?date_from={today.isoformat()}&date_to="
        f"{(today - timedelta(days=3)).isoformat()}"
    )
    assert response.status_code == 200
    assert "La date de fin précède la date de début." in response.content.decode()


@pytest.mark.parametrize("kind", ["vendeur", "secretaire", "gestionnaire-parc"])
def test_salespeople_and_others_may_not_open_the_statistics(client, world, kind):
    client.force_login(UserFactory(group_type=kind, points_of_sale=[world.pos_a]))
    assert client.get("/leads/statistiques/").status_code == 403
    assert client.get("/leads/statistiques/sources.xlsx").status_code == 403


@pytest.mark.parametrize("view", ["sources", "collaborateurs", "transformation"])
def test_a_constant_number_of_queries_whatever_the_rows(client, world, view):
    """X-2: more sources, users, tasks and tags cost no more queries."""
    client.force_login(world.manager)
    url = _url(view)
    client.get(url)  # warm the session and the user's caches
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    site, leboncoin, _centrale = world.sources
    from leads.intake.models import LeadSource, LeadSourceCategory

    campaign = LeadSource.objects.create(
        name="Campagne SMS", category=LeadSourceCategory.objects.get(code="campagne")
    )
    for i in range(6):
        seller = UserFactory(group_type="vendeur", points_of_sale=[world.pos_a])
        for source in (site, leboncoin, campaign):
            make_task(
                pos=world.pos_a,
                source=source,
                days_ago=i % 5,
                tags=("vo", "particulier"),
                assigned_to=seller,
                first_action_after=5 + i,
            )
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    assert response.status_code == 200
    assert len(many) == len(few), [q["sql"] for q in many.captured_queries]
    assert len(few) <= 12
