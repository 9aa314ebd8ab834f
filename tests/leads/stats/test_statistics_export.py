"""XLSX exports of the lead statistics (L-5, L-6): the files open and hold the figures of
the known data set (tests/leads/stats/conftest.py)."""

import io
from datetime import timedelta

import pytest
from django.utils import timezone
from openpyxl import load_workbook

pytestmark = pytest.mark.django_db


def _sheet(client, view):
    today = timezone.localdate()
    response = client.get(
        f"/leads/statistiques/{view}.xlsx?date_from={(today - timedelta(days=9)).isoformat()}"
        f"&date_to={today.isoformat()}"
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert f"statistiques-leads-{view}-" in response["Content-Disposition"]
    workbook = load_workbook(io.BytesIO(response.content))
    return workbook.active


def _rows(sheet):
    return [list(r) for r in sheet.iter_rows(values_only=True)]


def test_sources_export(client, world):
    client.force_login(world.manager)
    sheet = _sheet(client, "sources")
    rows = _rows(sheet)
    assert rows[0][0].startswith("Du ") and "tous les points de vente" in rows[0][0]
    assert rows[1][:3] == ["Catégorie / source", "Niveau", "Leads"]
    body = {(r[0], r[1]): r[2:] for r in rows[2:]}
    assert body["Site web", "Catégorie"] == [2, 2, 2, 1, 0.5, 20.0, 1, 0]
    assert body["Site web Lyon", "Source"] == [2, 2, 2, 1, 0.5, 20.0, 1, 0]
    assert body["Portail", "Catégorie"] == [2, 1, 1, 1, 0.5, 60.0, 0, 1]
    assert body["La Centrale", "Source"] == [1, 1, 0, 0, 0.0, None, 0, 0]
    assert body["Total", "Total"] == [4, 3, 3, 2, 0.5, 30.0, 1, 1]
    assert sheet["G3"].number_format == "0 %"


def test_collaborators_export(client, world):
    client.force_login(world.manager)
    rows = _rows(_sheet(client, "collaborateurs"))
    assert rows[1][0] == "Collaborateur"
    durand, martin, team = rows[2], rows[3], rows[4]
    assert durand[0] == "DURAND Paul"
    assert durand[1:5] == [2, pytest.approx(0.67), 2, 20.0]
    t2 = timezone.localtime(world.tasks[1].last_action_at).replace(tzinfo=None)
    assert durand[5] == t2
    assert durand[6:] == [1, 0, 2]
    assert martin[0] == "MARTIN Zoé" and martin[1] == 1 and martin[8] == 0
    assert team[0] == "Équipe" and team[1:5] == [3, 1, 3, 30.0] and team[8] == 2


def test_transformation_export(client, world):
    client.force_login(world.manager)
    rows = _rows(_sheet(client, "transformation"))
    assert rows[1][-1] == "Étiquettes"
    assert rows[2] == ["Lyon", "Site web", 2, 1, 0.5, 1, 0.5, 1, 0.5, "VN 1 · VO 1"]
    assert rows[3] == ["Lyon", "Portail", 1, 0, 0, 0, 0, 0, 0, "VD 1"]
    assert rows[4][:3] == ["Villeurbanne", "Portail", 1]
    assert rows[5][:6] == ["Total", None, 4, 1, 0.25, 1]


def test_an_unknown_table_is_a_404(client, world):
    client.force_login(world.manager)
    assert client.get("/leads/statistiques/autre.xlsx").status_code == 404
