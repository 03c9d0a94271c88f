"""The trust-and-safety endpoints under schemathesis: whatever is sent, never
5xx (as tests/api does for the committed schema; these read the live one)."""

from __future__ import annotations

from typing import Any

import pytest

from stint.accounts.services import api_token_create
from tests.api.fuzz import QUICK_EXAMPLES, assert_never_5xx
from tests.personas import make_user

PREFIXES = ("/api/v1/moderation", "/api/v1/privacy", "/api/v1/reports")


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
@pytest.mark.usefixtures("wsgi_keeps_connection")
@pytest.mark.parametrize("as_admin", [False, True], ids=["member", "admin"])
def test_never_5xx(api_operations: dict[str, Any], as_admin: bool) -> None:
    user = make_user("fuzz@stint.example", candidate=True, staff=as_admin)
    headers = {"Authorization": f"Bearer {api_token_create(user=user, name='fuzz').secret}"}
    labels = _labels()
    assert len(labels) >= 10
    for label in labels:
        assert_never_5xx(api_operations[label], headers=headers, examples=QUICK_EXAMPLES)
