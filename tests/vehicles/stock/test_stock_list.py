"""The stock list (V-4), its columns, saved searches (V-5) and XLSX export (V-6)."""

from decimal import Decimal
from io import BytesIO

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from tests.accounts.factories import PhysicalSiteFactory, UserFactory
from tests.vehicles.factories import VehicleFactory, local_days_ago
from vehicles.models import ReservationKind, SavedSearch, StockListPreference, Vehicle
from vehicles.services import lifeline_status_create, vehicle_reservation_set

pytestmark = pytest.mark.django_db


@pytest.fixture
def site():
    return PhysicalSiteFactory()


@pytest.fixture
def manager(site):
    return UserFactory(
        group_type="chef-des-ventes", rights=["access_vn"], points_of_sale=[site.point_of_sale]
    )


@pytest.fixture
def client_in(client, manager):
    client.force_login(manager)
    return client


def numbers(response) -> list[int]:
    """The OpenFlex numbers of the rows, in order (first column links)."""
    import re

    html = response.content.decode()
    body = html[html.index("<tbody>") : html.index("</tbody>")]
    return [int(n) for n in re.findall(r'<td class="num"><a href="/vehicules/(\d+)/">', body)]


def aged(vehicle, days):
    Vehicle.objects.filter(pk=vehicle.pk).update(price_reset_at=local_days_ago(days))
    return vehicle


def test_anonymous_users_go_to_login(client):
    response = client.get("/vehicules/")
    assert response.status_code == 302
    assert response["Location"].startswith("/connexion/")


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("parc=VN", {"vn"}),
        ("parc=VO&parc=VD", {"vo", "vd"}),
        ("genre=VU", {"vd"}),
        ("destination=professionnel", {"vn"}),
        ("status=stock_vente", {"vo", "vd"}),
        ("brand=peugeot", {"vn"}),
        ("model=Clio", {"vo", "vd"}),
        ("energy=diesel", {"vd"}),
        ("price_min=20000", {"vn"}),
        ("price_max=12000", {"vd"}),
        ("price_min=11001&price_max=16000", {"vo"}),
        ("price_min=11000&price_max=16000", {"vo", "vd"}),
        ("days_min=30", {"vd"}),
        ("days_max=9", {"vo"}),
        ("days_min=10&days_max=20", {"vn"}),
        ("reservation=illimitee", {"vn"}),
        ("reservation=aucune", {"vo", "vd"}),
        ("published=oui", {"vo"}),
        ("published=non", {"vn", "vd"}),
        ("q=ab-123", {"vo"}),
        ("q=int-vd", {"vd"}),
    ],
)
def test_each_filter_returns_exactly_the_matching_vehicles(client_in, site, query, expected):
    vehicles = {
        "vo": VehicleFactory(
            parc="VO",
            status="stock_vente",
            physical_site=site,
            registration="AB-123-CD",
            selling_price=Decimal("15000"),
        ),
        "vn": VehicleFactory(
            parc="VN",
            status="pre_entree",
            physical_site=site,
            brand="Peugeot",
            model="208",
            destination="professionnel",
            selling_price=Decimal("25000"),
        ),
        "vd": VehicleFactory(
            parc="VD",
            genre="VU",
            status="stock_vente",
            physical_site=site,
            energy="diesel",
            internal_number="INT-VD-1",
            selling_price=Decimal("11000"),
        ),
    }
    aged(vehicles["vo"], 2)
    aged(vehicles["vn"], 15)
    aged(vehicles["vd"], 45)
    from vehicles.services import vehicle_publication_refresh

    vehicle_publication_refresh(vehicle=vehicles["vo"])
    Vehicle.objects.filter(pk=vehicles["vd"].pk).update(publication_requested=False)
    vehicle_reservation_set(vehicle=vehicles["vn"], kind=ReservationKind.UNLIMITED)
    response = client_in.get(f"/vehicules/?{query}")
    assert response.status_code == 200
    assert set(numbers(response)) == {vehicles[k].pk for k in expected}


def test_vin_fragment_search(client_in, site):
    target = VehicleFactory(physical_site=site, vin="VF1ABCDEFGH123456")
    VehicleFactory(physical_site=site)
    assert numbers(client_in.get("/vehicules/?q=efgh12")) == [target.pk]


def test_status_filter_knows_custom_statuses(client_in, site, statuses):
    custom = lifeline_status_create(label="Carrosserie", after=statuses["entree_physique"])
    target = VehicleFactory(physical_site=site, status=custom.code)
    VehicleFactory(physical_site=site, status="entree_physique")
    assert numbers(client_in.get(f"/vehicules/?status={custom.code}")) == [target.pk]


def test_point_of_sale_and_site_filters(client, site):
    other_site = PhysicalSiteFactory(point_of_sale=site.point_of_sale)
    admin = UserFactory(group_type="admin", rights=["access_vn"])
    client.force_login(admin)
    a = VehicleFactory(physical_site=site)
    b = VehicleFactory(physical_site=other_site)
    c = VehicleFactory()
    assert set(numbers(client.get(f"/vehicules/?point_of_sale={site.point_of_sale_id}"))) == {
        a.pk,
        b.pk,
    }
    assert numbers(client.get(f"/vehicules/?physical_site={other_site.pk}")) == [b.pk]
    assert c.pk in numbers(client.get("/vehicules/"))


@pytest.mark.parametrize(
    ("sort", "key"),
    [
        ("number", lambda v: v.pk),
        ("selling_price", lambda v: (v.selling_price, v.pk)),
        ("brand", lambda v: (v.brand, v.model, v.pk)),
        ("price_days", lambda v: (-v.price_reset_at.timestamp(), v.pk)),
    ],
)
def test_sorts_both_ways(client_in, site, sort, key):
    data = [
        ("Renault", 9000, 3),
        ("Peugeot", 15000, 40),
        ("Dacia", 12000, 12),
        ("Citroën", 7000, 0),
    ]
    vehicles = []
    for brand, price, days in data:
        v = aged(
            VehicleFactory(physical_site=site, brand=brand, selling_price=Decimal(price)), days
        )
        v.refresh_from_db()
        vehicles.append(v)
    ascending = [v.pk for v in sorted(vehicles, key=key)]
    assert numbers(client_in.get(f"/vehicules/?sort={sort}")) == ascending
    descending = numbers(client_in.get(f"/vehicules/?sort=-{sort}"))
    assert descending == list(reversed(ascending))


def test_days_since_price_update_column_shows_the_counter(client_in, site):
    aged(VehicleFactory(physical_site=site), 17)
    html = client_in.get("/vehicules/?cols=number,price_days").content.decode()
    assert "Nb de j. suite à la dernière MAJ des prix" in html
    assert '<td class="num">17</td>' in html


def test_htmx_gets_only_the_results_and_a_plain_request_the_page(client_in, site):
    VehicleFactory(physical_site=site)
    partial = client_in.get("/vehicules/?parc=VO", HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in partial and 'id="results"' in partial and 'id="filters"' not in partial
    full = client_in.get("/vehicules/?parc=VO").content.decode()
    assert "<html" in full and 'id="filters"' in full and 'hx-push-url="true"' in full


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("price_min=-5", "La valeur ne peut pas être négative"),
        ("price_max=abc", "Saisissez un nombre"),
        ("status=inconnu", "Statut"),
        ("sort=bogus", "Tri"),
        ("days_min=-1", "La valeur ne peut pas être négative"),
    ],
)
def test_invalid_filter_values_give_a_message_never_a_500(client_in, site, query, message):
    VehicleFactory(physical_site=site)
    response = client_in.get(f"/vehicules/?{query}")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Certains filtres sont invalides" in html
    assert message in html


def test_page_out_of_range_shows_the_last_page_with_a_message(client_in, site):
    for _ in range(12):
        VehicleFactory(physical_site=site)
    response = client_in.get("/vehicules/?per_page=10&page=9")
    html = response.content.decode()
    assert response.status_code == 200
    assert "La page 9 n&#x27;existe pas" in html or "La page 9 n'existe pas" in html
    assert len(numbers(response)) == 2
    assert client_in.get("/vehicules/?page=abc").status_code == 200


def test_scope_by_point_of_sale_and_vn_right(client, site):
    mine_vo = VehicleFactory(physical_site=site, parc="VO")
    mine_vn = VehicleFactory(physical_site=site, parc="VN")
    other = VehicleFactory()
    salesperson = UserFactory(group_type="vendeur", points_of_sale=[site.point_of_sale])
    client.force_login(salesperson)
    assert numbers(client.get("/vehicules/")) == [mine_vo.pk]
    assert client.get(f"/vehicules/{other.pk}/").status_code == 404
    assert client.get(f"/vehicules/{mine_vn.pk}/").status_code == 404


def test_query_count_does_not_depend_on_the_page_size(client_in, site):
    """Issue #3: the page's SQL query count is the same with 10 and 50 rows (X-2)."""
    for _ in range(60):
        VehicleFactory(physical_site=site)
    client_in.get("/vehicules/?per_page=10")
    with CaptureQueriesContext(connection) as ten:
        response = client_in.get("/vehicules/?per_page=10&sort=-price_days")
    assert len(numbers(response)) == 10
    with CaptureQueriesContext(connection) as fifty:
        response = client_in.get("/vehicules/?per_page=50&sort=-price_days")
    assert len(numbers(response)) == 50
    assert len(ten) == len(fifty)


def test_columns_are_a_user_preference_and_the_url_wins(client_in, manager, site):
    VehicleFactory(physical_site=site)
    client_in.post("/vehicules/colonnes/", {"cols": ["number", "vin", "energy"], "query": ""})
    assert StockListPreference.objects.get(user=manager).columns == ["number", "vin", "energy"]
    html = client_in.get("/vehicules/").content.decode()
    head = html[html.index("<thead>") : html.index("</thead>")]
    assert "N° de châssis" in head and "Énergie" in head and "Kilométrage" not in head
    html = client_in.get("/vehicules/?cols=number,mileage").content.decode()
    head = html[html.index("<thead>") : html.index("</thead>")]
    assert "Kilométrage" in head and "N° de châssis" not in head


def test_saved_search_applies_its_filters_and_default_opens_first(client_in, manager, site):
    vo = VehicleFactory(physical_site=site, parc="VO")
    VehicleFactory(physical_site=site, parc="VN")
    response = client_in.post(
        "/vehicules/recherches/",
        {"name": "Mes VO", "is_default": "on", "query": "parc=VO&sort=-number"},
    )
    saved = SavedSearch.objects.get(user=manager, name="Mes VO")
    assert response.status_code == 302
    assert numbers(client_in.get(f"/vehicules/?saved={saved.pk}")) == [vo.pk]
    # Opening the list without a query applies the default search.
    response = client_in.get("/vehicules/")
    assert response.status_code == 302 and "parc=VO" in response["Location"]
    # A second default replaces the first.
    client_in.post(
        "/vehicules/recherches/", {"name": "Tout", "is_default": "on", "query": "sort=-number"}
    )
    assert list(
        SavedSearch.objects.filter(user=manager, is_default=True).values_list("name", flat=True)
    ) == ["Tout"]


def test_saved_search_name_must_be_unique_per_user(client_in, manager):
    client_in.post("/vehicules/recherches/", {"name": "VO", "query": "parc=VO"})
    response = client_in.post("/vehicules/recherches/", {"name": "VO", "query": "parc=VN"})
    assert response.status_code == 400
    assert "déjà une recherche de ce nom" in response.content.decode()
    assert SavedSearch.objects.filter(user=manager).count() == 1


def test_someone_elses_saved_search_is_neither_usable_nor_deletable(client_in, site):
    other = UserFactory()
    theirs = SavedSearch.objects.create(user=other, name="x", query="parc=VN")
    vo = VehicleFactory(physical_site=site, parc="VO")
    assert vo.pk in numbers(client_in.get(f"/vehicules/?saved={theirs.pk}"))
    assert (
        client_in.post(f"/vehicules/recherches/{theirs.pk}/", {"action": "delete"}).status_code
        == 404
    )
    assert SavedSearch.objects.filter(pk=theirs.pk).exists()


def read_xlsx(response):
    content = b"".join(response.streaming_content)
    sheet = load_workbook(BytesIO(content)).active
    return list(sheet.iter_rows(values_only=True))


def test_export_has_every_matching_row_and_the_required_columns(client_in, site):
    for _ in range(23):
        VehicleFactory(physical_site=site, parc="VO")
    VehicleFactory(physical_site=site, parc="VN")
    reserved = VehicleFactory(physical_site=site, parc="VO")
    vehicle_reservation_set(vehicle=reserved, kind=ReservationKind.UNLIMITED)
    aged(reserved, 8)
    response = client_in.get("/vehicules/export.xlsx?parc=VO&per_page=10&cols=number,brand,mileage")
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    rows = read_xlsx(response)
    assert rows[0] == (
        "N° OpenFlex",
        "Genre",
        "Réservation",
        "Fin de réservation",
        "Nb de j. suite à la dernière MAJ des prix",
        "Régime TVA",
        "Marque",
        "Kilométrage",
    )
    assert len(rows) == 1 + 24  # every VO, not the 10 of a page
    row = next(r for r in rows[1:] if r[0] == reserved.pk)
    assert row[1:5] == ("VP", "Réservé pour une durée illimitée", "illimitée", 8)


def test_export_from_a_saved_search(client_in, manager, site):
    vn = VehicleFactory(physical_site=site, parc="VN")
    VehicleFactory(physical_site=site, parc="VO")
    saved = SavedSearch.objects.create(user=manager, name="VN", query="parc=VN&cols=number")
    rows = read_xlsx(client_in.get(f"/vehicules/export.xlsx?saved={saved.pk}"))
    assert [r[0] for r in rows[1:]] == [vn.pk]


@pytest.mark.parametrize(
    "query", ["days_min=999999999999", "days_max=99999999999999999999", "price_max=1e20"]
)
def test_huge_filter_values_are_refused_with_a_message(client_in, site, query):
    VehicleFactory(physical_site=site)
    response = client_in.get(f"/vehicules/?{query}")
    assert response.status_code == 200
    assert "La valeur est trop grande." in response.content.decode()


def test_a_salesperson_cannot_filter_on_another_point_of_sale(client, site):
    """V-4 and scope: a point of sale outside the user's is an invalid choice, not a leak."""
    VehicleFactory(physical_site=site)
    theirs = VehicleFactory()
    client.force_login(
        UserFactory(group_type="vendeur", rights=["access_vn"], points_of_sale=[site.point_of_sale])
    )
    response = client.get(f"/vehicules/?point_of_sale={theirs.point_of_sale_id}")
    assert response.status_code == 200
    assert "Point de vente propriétaire" in response.content.decode()
    assert theirs.pk not in numbers(response)


def test_an_invalid_sort_is_reported_once_and_not_carried_along(client_in, site):
    """V-4: the hidden sort field carries the sort applied, not the bogus one."""
    VehicleFactory(physical_site=site)
    html = client_in.get("/vehicules/?sort=bogus").content.decode()
    assert "Tri" in html and "Certains filtres sont invalides" in html
    assert '<input type="hidden" name="sort" id="filter-sort" value="-number">' in html
    partial = client_in.get("/vehicules/?sort=bogus", HTTP_HX_REQUEST="true").content.decode()
    assert 'id="filter-sort" value="-number" hx-swap-oob="true"' in partial


def test_a_section_holding_an_active_filter_is_open(client_in, site):
    """V-4: a shared or bookmarked list shows the filters that restrict it."""
    VehicleFactory(physical_site=site)

    def stock_section(html):
        start = html.index('<details class="filter-section"', html.index("Véhicule</summary>"))
        return html[start : html.index(">", start) + 1]

    assert stock_section(client_in.get("/vehicules/?sort=-number").content.decode()) == (
        '<details class="filter-section">'
    )
    html = client_in.get("/vehicules/?status=stock_vente").content.decode()
    assert stock_section(html) == '<details class="filter-section" open>'


def test_htmx_history_restore_gets_the_whole_page_and_responses_vary(client_in, site):
    """V-4: after hx-push-url, a history restore (cache miss) must get the full page, and
    the browser cache must not serve the partial for the pushed URL."""
    VehicleFactory(physical_site=site)
    response = client_in.get(
        "/vehicules/?parc=VO", HTTP_HX_REQUEST="true", HTTP_HX_HISTORY_RESTORE_REQUEST="true"
    )
    assert "<html" in response.content.decode()
    assert "HX-Request" in response["Vary"]


def test_a_saved_search_keeps_its_columns_when_filters_change(client_in, manager, site):
    """V-5: the filter form of a saved search carries its columns along."""
    VehicleFactory(physical_site=site)
    saved = SavedSearch.objects.create(user=manager, name="Km", query="parc=VO&cols=number,mileage")
    html = client_in.get(f"/vehicules/?saved={saved.pk}").content.decode()
    start = html.index('<form id="filters"')
    form = html[start : html.index("</form>", start)]
    assert '<input type="hidden" name="cols" value="number,mileage">' in form
    assert 'name="parc" value="VO" id="id_parc_1" checked>' in form


def test_duplicate_saved_search_name_through_htmx_gets_the_form_back(client_in, manager):
    """V-5: the HTMX form gets its section back with the error (status 400, swapped by the
    page's before-swap handler); nothing is saved."""
    client_in.post("/vehicules/recherches/", {"name": "VO", "query": "parc=VO"})
    response = client_in.post(
        "/vehicules/recherches/", {"name": "VO", "query": "parc=VN"}, HTTP_HX_REQUEST="true"
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "<html" not in html and 'id="saved-searches"' in html
    assert "déjà une recherche de ce nom" in html
    assert SavedSearch.objects.filter(user=manager).count() == 1


def test_duplicate_saved_search_name_without_javascript_shows_the_whole_list(
    client_in, manager, site
):
    """V-5 without JavaScript: the full list page with the error, the typed name kept."""
    vo = VehicleFactory(physical_site=site, parc="VO")
    VehicleFactory(physical_site=site, parc="VN")
    client_in.post("/vehicules/recherches/", {"name": "Mes VO", "query": "parc=VO"})
    response = client_in.post("/vehicules/recherches/", {"name": "Mes VO", "query": "parc=VO"})
    html = response.content.decode()
    assert response.status_code == 400
    assert "<html" in html and 'id="filters"' in html
    assert "déjà une recherche de ce nom" in html
    assert 'value="Mes VO"' in html
    assert numbers(response) == [vo.pk]  # the list of the query being saved


def test_saved_search_without_a_name_is_refused(client_in, manager):
    """V-5: a name is required."""
    response = client_in.post(
        "/vehicules/recherches/", {"name": "", "query": "parc=VO"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 400
    assert "Ce champ est obligatoire" in response.content.decode()
    assert not SavedSearch.objects.exists()


def test_export_of_sixty_vehicles_with_ten_per_page_has_sixty_rows(client_in, site):
    """V-6: every matching row, not the page; values of the days counter per row."""
    vehicles = [aged(VehicleFactory(physical_site=site), n) for n in range(60)]
    rows = read_xlsx(client_in.get("/vehicules/export.xlsx?per_page=10&page=2&sort=number"))
    assert len(rows) == 61
    assert [r[0] for r in rows[1:]] == [v.pk for v in vehicles]
    assert [r[4] for r in rows[1:]] == list(range(60))


def test_export_keeps_odd_text_as_text(client_in, site):
    """V-6: a control character typed in a field no longer breaks the export (500), and a
    value starting with '=' stays text instead of becoming a live spreadsheet formula."""
    VehicleFactory(
        physical_site=site,
        brand='=HYPERLINK("http://example.test","x")',
        version="1.5 dCi\x0b110",
    )
    response = client_in.get("/vehicules/export.xlsx?cols=number,brand,version")
    assert response.status_code == 200
    sheet = load_workbook(BytesIO(b"".join(response.streaming_content))).active
    brand, version = sheet["G2"], sheet["H2"]  # after the leading columns (V-6)
    assert (brand.value, brand.data_type) == ('=HYPERLINK("http://example.test","x")', "s")
    assert version.value == "1.5 dCi110"
