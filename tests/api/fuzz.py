"""Schemathesis over the API: the schema is loaded once per test session (per
xdist worker), and each test sends one operation a bounded number of generated
requests, asserting none is answered with a 5xx.

Two depths: `QUICK_EXAMPLES` on every `make test`, `DEEP_EXAMPLES` under
`-m slow` (`make test-slow`). Generation is derandomized, so a run is repeatable
and a failure printed as a curl command can be replayed.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings

QUICK_EXAMPLES = 5
DEEP_EXAMPLES = 60


@pytest.fixture(scope="session")
def api_operations(django_db_setup: None, django_db_blocker: Any) -> dict[str, Any]:
    """Every operation of the live schema by its label ("POST /api/v1/..."), built once:
    parsing the schema and resolving each operation was most of a test's time."""
    with django_db_blocker.unblock():
        schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())
        return {result.ok().label: result.ok() for result in schema.get_all_operations()}


@pytest.fixture
def wsgi_keeps_connection(db: None) -> Iterator[None]:
    # As Django's test client does: keep the test's connection (and its transaction)
    # open across the requests schemathesis sends through the WSGI app.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def assert_never_5xx(operation: Any, *, headers: dict[str, str], examples: int) -> None:
    """Send `examples` generated requests to the operation; fail on the first 5xx."""

    @settings(
        max_examples=examples,
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
