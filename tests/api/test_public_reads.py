"""Issue 16: what a visitor may read on the website (published postings) is open
to the API without a token; nothing else is, and a bad token is still 401."""

from __future__ import annotations

import pytest
from django.test import Client

from stint.api.api import api
from stint.api.public import is_public_read
from stint.opportunities.models import Opportunity
from tests.factories import OpportunityFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def live_posting() -> Opportunity:
    return OpportunityFactory()


def test_a_visitor_browses_and_reads_published_postings(live_posting: Opportunity) -> None:
    visitor = Client()
    listed = visitor.get("/api/v1/opportunities")
    assert listed.status_code == 200, listed.content
    assert live_posting.pk in [i["id"] for i in listed.json()["items"]]
    one = visitor.get(f"/api/v1/opportunities/{live_posting.pk}")
    assert one.status_code == 200
    assert one.json()["fit"] is None and one.json()["can_manage"] is False


def test_drafts_stay_hidden_and_everything_else_needs_a_token(
    live_posting: Opportunity,
) -> None:
    visitor = Client()
    Opportunity.objects.filter(pk=live_posting.pk).update(status="draft")
    assert visitor.get(f"/api/v1/opportunities/{live_posting.pk}").status_code == 404
    for path in ("/api/v1/me", "/api/v1/applications", "/api/v1/saved-opportunities"):
        assert visitor.get(path).status_code == 401, path
    created = visitor.post("/api/v1/opportunities", data={}, content_type="application/json")
    assert created.status_code == 401


def test_a_bad_token_is_401_even_on_a_public_read(live_posting: Opportunity) -> None:
    bad = Client(HTTP_AUTHORIZATION="Bearer stint_not-a-real-token")
    assert bad.get("/api/v1/opportunities").status_code == 401


def test_the_schema_marks_exactly_the_public_reads_as_needing_no_credentials() -> None:
    schema = api.get_openapi_schema()
    marked = {
        (method.upper(), path)
        for path, ops in schema["paths"].items()
        for method, op in ops.items()
        if {} in op.get("security", [])
    }
    allowed = {
        (method.upper(), path)
        for path, ops in schema["paths"].items()
        for method in ops
        if is_public_read(method.upper(), path.replace("{opportunity_id}", "7"))
    }
    assert (
        marked
        == allowed
        == {
            ("GET", "/api/v1/opportunities"),
            ("GET", "/api/v1/opportunities/{opportunity_id}"),
        }
    )
