"""Issue 14 item 13: the verify page and API name the holder, read from the
signed `credentialSubject.name` (older credentials: the plain name identifier)."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from stint.accounts.models import User
from stint.engagements.models import Engagement
from stint.reviews import credentials, services

pytestmark = pytest.mark.django_db
JSON = "application/json"


@pytest.fixture(autouse=True)
def fresh_key(settings: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    settings.VAR_DIR = tmp_path
    monkeypatch.delenv("STINT_SIGNING_KEY", raising=False)
    credentials.platform_key.cache_clear()
    yield
    credentials.platform_key.cache_clear()


@pytest.fixture
def issued(paid: Engagement, alice: User) -> dict[str, Any]:
    credential, _ = services.credential_issue(actor=alice, engagement_id=paid.pk)
    return dict(credential.document)


def test_subject_name_is_written_and_signed(issued: dict[str, Any], alice: User) -> None:
    assert issued["credentialSubject"]["name"] == alice.display_name
    assert credentials.verify(issued).issued_to == alice.display_name
    renamed = copy.deepcopy(issued)
    renamed["credentialSubject"]["name"] = "Mallory"
    assert not credentials.verify(renamed).valid  # the name is under the signature


def test_verify_page_and_api_name_the_holder(
    issued: dict[str, Any], alice: User, client: Client
) -> None:
    page = client.post("/p/verify/", {"credential": json.dumps(issued)})
    assert f"awarded to {alice.display_name}".encode() in page.content
    api = client.post("/api/v1/credentials/verify", json.dumps(issued), content_type=JSON)
    assert api.json()["issued_to"] == alice.display_name


def test_older_credentials_fall_back_to_the_plain_name_identifier() -> None:
    subject = {"identifier": [{"identityType": "name", "hashed": False, "identityHash": "Ann"}]}
    assert credentials._plain_name(subject["identifier"]) == "Ann"
    assert credentials._plain_name([{"identityType": "name", "hashed": True}]) is None
