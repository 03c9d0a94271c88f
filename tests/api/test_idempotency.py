"""`Idempotency-Key` on API writes: a retry gets the first answer and nothing runs
twice; the same key for another request is a 409; keys belong to the person."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import RequestFactory
from django.utils import timezone

from stint.accounts.models import ApiToken, User
from stint.api import idempotency
from stint.api.models import IdempotentRequest

pytestmark = pytest.mark.django_db
JSON = "application/json"


def test_a_retried_json_write_is_answered_again_without_acting_twice(
    alice: User, api_for: Any
) -> None:
    api = api_for(alice)
    before = ApiToken.objects.filter(user=alice).count()
    first = api.post(
        "/api/v1/tokens", {"name": "ci"}, content_type=JSON, HTTP_IDEMPOTENCY_KEY="k-1"
    )
    assert first.status_code == 201, first.content
    again = api.post(
        "/api/v1/tokens", {"name": "ci"}, content_type=JSON, HTTP_IDEMPOTENCY_KEY="k-1"
    )
    assert again.status_code == 201 and again.content == first.content
    assert again["Idempotent-Replayed"] == "true"
    assert ApiToken.objects.filter(user=alice).count() == before + 1

    other = api.post(
        "/api/v1/tokens", {"name": "other"}, content_type=JSON, HTTP_IDEMPOTENCY_KEY="k-1"
    )
    assert other.status_code == 409 and other.json()["code"] == "idempotency_key_reused"
    assert other.json()["errors"][0]["field"] == "Idempotency-Key"
    # Without a key each write acts.
    assert api.post("/api/v1/tokens", {"name": "ci"}, content_type=JSON).status_code == 201
    assert ApiToken.objects.filter(user=alice).count() == before + 2


def test_keys_belong_to_the_person(alice: User, bob: User, api_for: Any) -> None:
    for user in (alice, bob):
        r = api_for(user).post(
            "/api/v1/tokens", {"name": "x"}, content_type=JSON, HTTP_IDEMPOTENCY_KEY="same"
        )
        assert r.status_code == 201 and "Idempotent-Replayed" not in r
    assert IdempotentRequest.objects.filter(key="same").count() == 2


def test_a_key_still_running_or_malformed_is_refused(alice: User, api_for: Any) -> None:
    api = api_for(alice)
    body = b'{"name": "x"}'
    same = RequestFactory().post("/api/v1/tokens", body, content_type=JSON)
    IdempotentRequest.objects.create(
        user=alice, key="busy", fingerprint=idempotency._fingerprint(same)
    )  # the first request with this key has not finished
    busy = api.post("/api/v1/tokens", body, content_type=JSON, HTTP_IDEMPOTENCY_KEY="busy")
    assert busy.status_code == 409 and busy.json()["code"] == "idempotency_key_in_use"
    assert busy["Retry-After"] == "1"
    bad = api.post("/api/v1/tokens", body, content_type=JSON, HTTP_IDEMPOTENCY_KEY="x" * 256)
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "Idempotency-Key"


def test_keys_are_forgotten_after_a_day(alice: User) -> None:
    old = IdempotentRequest.objects.create(user=alice, key="old", fingerprint="f", status=201)
    IdempotentRequest.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - timedelta(days=2)
    )
    IdempotentRequest.objects.create(user=alice, key="new", fingerprint="f", status=201)
    assert idempotency.prune() == 1
    assert list(IdempotentRequest.objects.values_list("key", flat=True)) == ["new"]
