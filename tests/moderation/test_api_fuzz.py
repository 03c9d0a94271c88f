"""The trust-and-safety endpoints under schemathesis: whatever is sent, never
5xx (as tests/api does for the committed schema; these read the live one)."""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings

from stint.accounts.services import api_token_create
from tests.personas import make_user

PREFIXES = ("/api/v1/moderation", "/api/v1/privacy", "/api/v1/reports")


@pytest.fixture
def api_schema(db: None) -> Any:
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def _labels() -> list[str]:
    from stint.api.api import api

    schema = api.get_openapi_schema()
    return sorted(
        f"{method.upper()} {path}"
        for path, ops in schema["paths"].items()
        if path.startswith(PREFIXES) or "verification-requests" in path
        for method in ops
    )


@pytest.mark.django_db
@pytest.mark.parametrize("as_admin", [False, True], ids=["member", "admin"])
def test_never_5xx(api_schema: Any, as_admin: bool, settings_: Any = None) -> None:
    user = make_user("fuzz@stint.example", candidate=True, staff=as_admin)
    headers = {"Authorization": f"Bearer {api_token_create(user=user, name='fuzz').secret}"}
    labels = _labels()
    assert len(labels) >= 10
    for label in labels:
        operation = next(r.ok() for r in api_schema.get_all_operations() if r.ok().label == label)

        @settings(
            max_examples=10,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        @given(case=operation.as_strategy())
        def never_5xx(case: Any) -> None:
            response = case.call(headers=headers)
            assert response.status_code < 500, (
                f"{case.as_curl_command()} -> {response.status_code} {response.text[:300]}"
            )

        never_5xx()
