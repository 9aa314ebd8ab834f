"""Content-Security-Policy with a nonce per response, and Permissions-Policy (#12).

The browser tests (tests/e2e) run every journey under this policy and fail on any
violation that Chromium reports in the console.
"""

import re
from pathlib import Path

import pytest
from django.urls import reverse

from openflex.notifications.models import OutboundEmail

pytestmark = pytest.mark.django_db

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
SCRIPT_TAG = re.compile(r"<script\b[^>]*>", re.IGNORECASE)


def directives(response) -> dict[str, list[str]]:
    policy = response["Content-Security-Policy"]
    parts = (part.split() for part in policy.split(";") if part.strip())
    return {name: values for name, *values in parts}


def nonce_of(response) -> str:
    (nonce,) = [
        v[len("'nonce-") : -1]
        for v in directives(response)["script-src"]
        if v.startswith("'nonce-")
    ]
    return nonce


def test_the_policy_of_a_page(admin_client):
    response = admin_client.get(reverse("home:index"))
    assert response.status_code == 200
    csp = directives(response)
    assert csp["default-src"] == ["'self'"]
    assert csp["script-src"][0] == "'self'" and len(csp["script-src"]) == 2
    assert csp["style-src"] == ["'self'"]
    assert csp["img-src"] == ["'self'", "data:"]
    assert csp["connect-src"] == ["'self'"]
    assert csp["form-action"] == ["'self'"]
    assert csp["frame-ancestors"] == ["'none'"]
    assert csp["base-uri"] == ["'self'"]
    assert csp["object-src"] == ["'none'"]
    policy = response["Content-Security-Policy"]
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert "style-src-attr" not in csp


def test_every_script_of_the_page_carries_this_responses_nonce(admin_client):
    first = admin_client.get(reverse("home:index"))
    second = admin_client.get(reverse("home:index"))
    nonce = nonce_of(first)
    assert len(nonce) >= 22 and nonce != nonce_of(second)
    tags = SCRIPT_TAG.findall(first.content.decode())
    assert len(tags) >= 2  # htmx and app.js
    for tag in tags:
        assert f'nonce="{nonce}"' in tag and "src=" in tag, tag


def test_htmx_injects_no_style_and_evaluates_nothing(admin_client):
    body = admin_client.get(reverse("home:index")).content.decode()
    assert (
        """<meta name="htmx-config" content='{"includeIndicatorStyles": false, """
        """"allowEval": false, "attributesToSettle": ["class", "width", "height"]}'>"""
    ) in body


def test_the_customer_form_script_is_a_static_file(client):
    from tests.accounts.factories import PointOfSaleFactory, UserFactory

    seller = UserFactory(
        group_type="vendeur", points_of_sale=[PointOfSaleFactory()], rights=["access_vn"]
    )
    client.force_login(seller)
    response = client.get(reverse("opportunities:customer_create"))
    body = response.content.decode()
    nonce = nonce_of(response)
    assert f'src="/static/js/customer-form.js" defer nonce="{nonce}"' in body
    assert "<script>" not in body


def test_anonymous_pages_have_the_policy_too(client):
    response = client.get(reverse("accounts:login"))
    assert "'nonce-" in response["Content-Security-Policy"]
    assert response["Permissions-Policy"]


def test_permissions_policy(admin_client):
    header = admin_client.get(reverse("home:index"))["Permissions-Policy"]
    features = dict(item.strip().split("=") for item in header.split(","))
    for feature in ("camera", "microphone", "geolocation", "payment", "usb"):
        assert features[feature] == "()"


def test_the_email_preview_alone_allows_style_attributes(admin_client):
    email = OutboundEmail.objects.create(
        to="client@example.test", subject="Relance", body_text="x", body_html="<p>x</p>"
    )
    response = admin_client.get(reverse("configuration:email_detail", args=[email.pk]))
    csp = directives(response)
    assert csp["style-src-attr"] == ["'unsafe-inline'"]
    assert "unsafe-inline" not in " ".join(csp["script-src"])


def test_templates_have_no_inline_code():
    """No inline <script>, no on*= handler, no hx-on (htmx would need 'unsafe-eval') and no
    style= attribute in the pages (emails and PDFs are not pages)."""
    offenders = []
    for path in TEMPLATES.rglob("*.html"):
        relative = path.relative_to(TEMPLATES).as_posix()
        text = path.read_text()
        for tag in SCRIPT_TAG.findall(text):
            if "src=" not in tag:
                offenders.append(f"{relative}: {tag}")
        if re.search(r"\son[a-z]+\s*=", text) or "hx-on" in text:
            offenders.append(f"{relative}: inline handler")
        is_page = not relative.startswith("emails/") and "pdf" not in relative
        if is_page and re.search(r"\sstyle\s*=", text):
            offenders.append(f"{relative}: style attribute")
    assert offenders == []
