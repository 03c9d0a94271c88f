from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from stint.api.api import api

SCHEMA_PATH = Path(settings.BASE_DIR) / "docs" / "api" / "openapi.json"


def current_schema() -> str:
    schema = api.get_openapi_schema(path_prefix="/api/v1/")
    return json.dumps(schema, indent=2, sort_keys=True) + "\n"


class Command(BaseCommand):
    help = "Write or check the committed OpenAPI schema (docs/api/openapi.json)."

    def add_arguments(self, parser: Any) -> None:
        group = parser.add_mutually_exclusive_group(required=True)
        group.add_argument("--write", action="store_true", help="write the schema file")
        group.add_argument(
            "--check", action="store_true", help="fail if the committed schema is out of date"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        schema = current_schema()
        if options["write"]:
            SCHEMA_PATH.parent.mkdir(parents=True, exist_ok=True)
            SCHEMA_PATH.write_text(schema)
            self.stdout.write(f"Wrote {SCHEMA_PATH.relative_to(settings.BASE_DIR)}")
            return
        committed = SCHEMA_PATH.read_text() if SCHEMA_PATH.exists() else ""
        if committed != schema:
            raise CommandError(
                "docs/api/openapi.json is out of date with the API: run `make openapi` and commit it."
            )
        self.stdout.write("OpenAPI schema is up to date.")
