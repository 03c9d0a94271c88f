"""Property-based run over the whole OpenAPI schema: whatever schemathesis
sends, the API never answers 5xx. Bounded examples keep it quick; new
endpoints are covered automatically because the schema is read live."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings

from stint.accounts.services import api_token_create
from stint.orgs.services import domain_add, organisation_create
from tests.personas import make_user


@pytest.fixture
def api_schema(db: None) -> Any:
    # As Django's test client does: keep the test's connection open across requests.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def world_token(db: None) -> str:
    """A user who owns an employer and an institution, so ids 1..n exist."""
    user = make_user("fuzz@stint.example", candidate=True)
    organisation_create(actor=user, kind="employer", name="Fuzz Employer")
    uni = organisation_create(actor=user, kind="institution", name="Fuzz U")
    domain_add(actor=user, organisation_id=uni.pk, domain="fuzz.example.edu")
    return api_token_create(user=user, name="fuzz").secret


# Operation labels come from the committed schema (kept equal to the live one by
# `manage.py openapi --check`); cases are generated from the live schema.
_COMMITTED = schemathesis.openapi.from_path(
    str(Path(__file__).resolve().parents[2] / "docs" / "api" / "openapi.json")
)
LABELS = sorted(result.ok().label for result in _COMMITTED.get_all_operations())


@pytest.mark.parametrize("label", LABELS)
def test_api_never_answers_5xx(label: str, api_schema: Any, world_token: str) -> None:
    operation = next(r.ok() for r in api_schema.get_all_operations() if r.ok().label == label)
    headers = {"Authorization": f"Bearer {world_token}"}

    @settings(
        max_examples=15,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
    )
    @given(case=operation.as_strategy())
    def never_5xx(case: Any) -> None:
        response = case.call(headers=headers)
        assert response.status_code < 500, (
            f"{case.as_curl_command()} -> {response.status_code} {response.text[:300]}"
        )

    never_5xx()
