"""Browser journey of issue #16 (L-1, L-2, L-7): a salesperson creates a lead by hand (a bad
mobile is refused next to the field, what was typed is kept), takes it, converts it into
an opportunity after choosing the existing customer; the manager sees "en souffrance";
the administrator's lead settings. Screenshots at 1366 px and 375 px (no horizontal
scroll on the phone)."""

import pytest

from leads.inbox.models import LeadTask
from openflex.accounts.models import User
from tests.e2e.conftest import login, screenshot
from tests.opportunities.factories import CustomerFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

PHONE = {"width": 375, "height": 812}
DESKTOP = {"width": 1366, "height": 900}
FITS = "() => document.documentElement.scrollWidth <= window.innerWidth"


def shots(page, name):
    """Desktop then phone screenshots; the phone shows no horizontal scroll."""
    page.set_viewport_size(DESKTOP)
    screenshot(page, f"leads-{name}-desktop")
    page.set_viewport_size(PHONE)
    assert page.evaluate(FITS), f"{name}: wider than a phone"
    screenshot(page, f"leads-{name}-phone")
    page.set_viewport_size(DESKTOP)


def test_create_take_convert(page, live_server, demo):
    seller = User.objects.get(email="vendeur@demo.openflex.test")
    pos = seller.points_of_sale.get(code=61)
    known = CustomerFactory(point_of_sale=pos, last_name="Lambert", email="lea.lambert@exemple.fr")
    login(page, live_server, seller.email)
    page.goto(f"{live_server.url}/leads/")
    page.get_by_role("heading", name="Leads — tâches").wait_for()
    shots(page, "list")

    page.get_by_role("link", name="Nouvelle tâche").click()
    page.select_option("#id_point_of_sale", str(pos.pk))
    page.select_option("#id_civility", "Mme")
    page.fill("#id_last_name", "Lambert")
    page.fill("#id_first_name", "Léa")
    page.fill("#id_email", "lea.lambert@exemple.fr")
    page.fill("#id_mobile", "12")
    page.get_by_label("VO", exact=True).check()
    page.fill("#id_message", "Intéressée par une 308 SW.")
    page.get_by_role("button", name="Créer la tâche").click()
    page.get_by_text("Ce numéro de téléphone n'est pas valide.").wait_for()
    assert page.input_value("#id_last_name") == "Lambert"
    assert page.input_value("#id_message") == "Intéressée par une 308 SW."
    shots(page, "form-error")
    page.fill("#id_mobile", "06 98 76 54 32")
    page.get_by_role("button", name="Créer la tâche").click()
    page.wait_for_url("**/leads/*/")
    task = LeadTask.objects.get(last_name="Lambert")
    assert task.mobile == "+33698765432" and task.assigned_to == seller
    shots(page, "task")

    page.get_by_role("link", name="Convertir en opportunité").click()
    page.get_by_text("Ce contact correspond à des clients existants.").wait_for()
    shots(page, "convert")
    page.get_by_label(known.display_name, exact=False).check()
    page.get_by_role("button", name="Convertir").click()
    page.wait_for_url("**/opportunites/*/")
    task.refresh_from_db()
    assert task.opportunity.customer == known
    assert task.state == "terminee" and task.status.code == "converti"


def test_manager_neglected_and_admin_settings(page, live_server, demo):
    login(page, live_server, "chef-des-ventes@demo.openflex.test")
    page.goto(f"{live_server.url}/leads/?neglected=true")
    page.get_by_text("En souffrance").first.wait_for()
    shots(page, "neglected")
    page.context.clear_cookies()
    login(page, live_server, "admin@demo.openflex.test")
    page.goto(f"{live_server.url}/parametres/leads/")
    shots(page, "settings")
    page.get_by_role("link", name="Horizon Lyon Gerland").click()
    page.get_by_role("heading", name="Affectations par type de lead").wait_for()
    shots(page, "settings-pos")
    page.goto(f"{live_server.url}/parametres/leads/sources/")
    page.get_by_role("link", name="Site web Horizon").click()
    page.get_by_role("button", name="Créer une clé").click()
    page.get_by_text("copiez-la maintenant").wait_for()
    shots(page, "source-key")


def test_the_api_documentation_page_draws_under_the_policy(page, live_server):
    """/api/docs (L-1): Swagger UI from django-ninja's static files, no CSP violation."""
    page.goto(f"{live_server.url}/api/docs")
    page.get_by_text("/api/leads/").first.wait_for()
    screenshot(page, "leads-api-docs")
