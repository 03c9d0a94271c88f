"""Property-based run over the whole OpenAPI schema: whatever schemathesis
sends, the API never answers 5xx. New endpoints are covered automatically:
the labels come from the committed schema (kept equal to the live one by
`manage.py openapi --check`), the cases from the live one.

Every run sends each operation a few requests; `-m slow` (`make test-slow`)
sends many more (tests/api/fuzz.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import schemathesis

from stint.accounts.services import api_token_create
from stint.orgs.services import domain_add, organisation_create
from tests.api.fuzz import DEEP_EXAMPLES, QUICK_EXAMPLES, assert_never_5xx
from tests.personas import make_user

pytestmark = pytest.mark.usefixtures("wsgi_keeps_connection")

_COMMITTED = schemathesis.openapi.from_path(
    str(Path(__file__).resolve().parents[2] / "docs" / "api" / "openapi.json")
)
LABELS = sorted(result.ok().label for result in _COMMITTED.get_all_operations())


@pytest.fixture
def world_token(db: None) -> str:
    """A user who owns an employer and an institution, so ids 1..n exist."""
    user = make_user("fuzz@stint.example", candidate=True)
    organisation_create(actor=user, kind="employer", name="Fuzz Employer")
    uni = organisation_create(actor=user, kind="institution", name="Fuzz U")
    domain_add(actor=user, organisation_id=uni.pk, domain="fuzz.example.edu")
    return api_token_create(user=user, name="fuzz").secret


@pytest.mark.parametrize("label", LABELS)
def test_api_never_answers_5xx(
    label: str, api_operations: dict[str, Any], world_token: str
) -> None:
    headers = {"Authorization": f"Bearer {world_token}"}
    assert_never_5xx(api_operations[label], headers=headers, examples=QUICK_EXAMPLES)


@pytest.mark.slow
@pytest.mark.parametrize("label", LABELS)
def test_api_never_answers_5xx_deeply(
    label: str, api_operations: dict[str, Any], world_token: str
) -> None:
    headers = {"Authorization": f"Bearer {world_token}"}
    assert_never_5xx(api_operations[label], headers=headers, examples=DEEP_EXAMPLES)
