"""ETag on API objects; If-None-Match answers 304; If-Match on a change refuses a
stale write with 412 instead of overwriting someone else's edit."""

from __future__ import annotations

from typing import Any

import pytest

from stint.accounts.models import User

pytestmark = pytest.mark.django_db
JSON = "application/json"


def test_etag_if_none_match_and_if_match(alice: User, api_for: Any) -> None:
    api = api_for(alice)
    first = api.get("/api/v1/me")
    tag = first["ETag"]
    assert first.status_code == 200 and tag.startswith('"')
    assert api.get("/api/v1/me", HTTP_IF_NONE_MATCH=tag).status_code == 304

    # Another client (the same person elsewhere) changes the name meanwhile.
    assert api.patch("/api/v1/me", {"full_name": "Alice B"}, content_type=JSON).status_code == 200
    stale = api.patch("/api/v1/me", {"full_name": "Alice C"}, content_type=JSON, HTTP_IF_MATCH=tag)
    assert stale.status_code == 412 and stale.json()["code"] == "precondition_failed"
    assert stale.json()["errors"][0]["field"] == "If-Match"
    alice.refresh_from_db()
    assert alice.full_name == "Alice B"

    fresh = api.get("/api/v1/me")["ETag"]
    assert fresh != tag
    ok = api.patch("/api/v1/me", {"full_name": "Alice C"}, content_type=JSON, HTTP_IF_MATCH=fresh)
    assert ok.status_code == 200
    star = api.patch("/api/v1/me", {"full_name": "Alice D"}, content_type=JSON, HTTP_IF_MATCH="*")
    assert star.status_code == 200
    alice.refresh_from_db()
    assert alice.full_name == "Alice D"


def test_pages_are_not_tagged(alice: User, client_for: Any) -> None:
    assert "ETag" not in client_for(alice).get("/dashboard/")
