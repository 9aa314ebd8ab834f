"""Write the API's OpenAPI document to docs/api/openapi.json (the copy kept in the repo,
compared with the served one by tests/leads/intake/test_openapi.py)."""

import json
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from leads.api import api


class Command(BaseCommand):
    help = "Write the OpenAPI document of /api/ to docs/api/openapi.json"

    def handle(self, *args, **options):
        doc = api.get_openapi_schema(path_prefix="/api/")
        path = Path(settings.BASE_DIR) / "docs" / "api" / "openapi.json"
        path.parent.mkdir(parents=True, exist_ok=True)
        text = json.dumps(doc, indent=2, ensure_ascii=False, sort_keys=True, default=str)
        path.write_text(text + "\n")
        self.stdout.write(f"{path} written ({len(doc.get('paths', {}))} paths)")
