"""The API's OpenAPI document (L-1): served at /api/openapi.json and drawn at /api/docs,
structurally valid, and equal to the copy kept in docs/api/openapi.json.

After changing the API: ``python manage.py export_openapi`` — or copy the JSON the
failing test prints — into docs/api/openapi.json.
"""

import json
from pathlib import Path

import pytest

pytestmark = pytest.mark.django_db

DOC = Path(__file__).resolve().parents[3] / "docs" / "api" / "openapi.json"


def _refs(node):
    if isinstance(node, dict):
        for k, v in node.items():
            if k == "$ref":
                yield v
            else:
                yield from _refs(v)
    elif isinstance(node, list):
        for v in node:
            yield from _refs(v)


def test_the_document_is_valid_openapi_3(client):
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    doc = response.json()
    assert doc["openapi"].startswith("3.")
    assert doc["info"]["title"] and doc["info"]["version"]
    assert isinstance(doc["paths"], dict) and doc["paths"]
    for path, operations in doc["paths"].items():
        assert path.startswith("/api/")
        for method, operation in operations.items():
            assert method in {"get", "post", "put", "patch", "delete"}
            assert operation["responses"], (path, method)
            for code in operation["responses"]:
                assert code.isdigit() and 100 <= int(code) < 600
    schemas = doc["components"]["schemas"]
    for ref in _refs(doc):
        assert ref.startswith("#/components/schemas/"), ref
        assert ref.rsplit("/", 1)[1] in schemas, f"dangling {ref}"
    assert doc["components"]["securitySchemes"]["ApiKeyAuth"]["scheme"] == "bearer"
    lead = doc["paths"]["/api/leads/"]["post"]
    body = lead["requestBody"]["content"]
    assert "application/json" in body and "application/xml" in body
    assert "external_id" in body["application/json"]["schema"]["required"]
    assert {"200", "201", "401", "413", "422"} <= set(lead["responses"])
    assert lead["security"] == [{"ApiKeyAuth": []}]


def test_the_committed_copy_is_the_served_document(client):
    served = client.get("/api/openapi.json").json()
    text = json.dumps(served, indent=2, ensure_ascii=False, sort_keys=True) + "\n"
    assert DOC.exists(), "write docs/api/openapi.json"
    assert json.loads(DOC.read_text()) == served, "docs/api/openapi.json is stale:\n" + text


def test_the_docs_page_needs_no_key_and_no_cdn(client):
    response = client.get("/api/docs")
    assert response.status_code == 200
    html = response.content.decode()
    assert "/api/openapi.json" in html
    assert "cdn" not in html.lower()
