"""API twins of the developer pages, over the same services: a person manages their
apps and grants with a personal token; an app's own token may not."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from oauth2_provider.models import Application

from stint.accounts.models import User
from tests.oauth.conftest import App, bearer, tokens_for

pytestmark = pytest.mark.django_db
JSON = "application/json"
Browser = Callable[[User | None], Client]


def test_register_list_change_and_delete_an_app(eve: User, api_for: Browser) -> None:
    api = api_for(eve)
    made = api.post(
        "/api/v1/apps",
        {
            "name": "Sync",
            "redirect_uris": ["https://sync.example/cb"],
            "client_type": "confidential",
        },
        content_type=JSON,
    )
    assert made.status_code == 201, made.content
    body = made.json()
    assert body["client_secret"] and body["redirect_uris"] == ["https://sync.example/cb"]
    listed = api.get("/api/v1/apps").json()
    assert [a["client_id"] for a in listed] == [body["client_id"]]
    assert "client_secret" not in listed[0]
    changed = api.put(
        f"/api/v1/apps/{body['id']}",
        {"name": "Sync 2", "redirect_uris": ["https://sync.example/cb2"]},
        content_type=JSON,
    )
    assert changed.status_code == 200 and changed.json()["name"] == "Sync 2"
    assert api.delete(f"/api/v1/apps/{body['id']}").status_code == 204
    assert not Application.objects.exists()


def test_a_bad_redirect_uri_is_422_naming_the_field(eve: User, api_for: Browser) -> None:
    answer = api_for(eve).post(
        "/api/v1/apps",
        {"name": "Sync", "redirect_uris": ["ftp://x.example/cb"], "client_type": "public"},
        content_type=JSON,
    )
    assert answer.status_code == 422
    assert answer.json()["errors"][0]["field"].startswith("redirect_uris")
    assert not Application.objects.exists()


def test_another_persons_app_is_404_through_the_api(
    alice: User, tracker: App, api_for: Browser
) -> None:
    api = api_for(alice)
    assert api.get("/api/v1/apps").json() == []
    assert api.delete(f"/api/v1/apps/{tracker.pk}").status_code == 404
    changed = api.put(
        f"/api/v1/apps/{tracker.pk}",
        {"name": "Mine", "redirect_uris": ["https://evil.example/cb"]},
        content_type=JSON,
    )
    assert changed.status_code == 404
    assert Application.objects.get(pk=tracker.pk).name == "Tracker ATS"


def test_authorised_apps_listed_and_revoked_by_the_person_not_the_app(
    alice: User, tracker: App, client_for: Browser, api_for: Browser
) -> None:
    got = tokens_for(client_for(alice), tracker, scope="read write profile")
    app_api = bearer(got["access_token"])
    # The app cannot see or undo grants, whatever it was allowed.
    assert app_api.get("/api/v1/authorised-apps").status_code == 403
    assert app_api.delete(f"/api/v1/authorised-apps/{tracker.pk}").status_code == 403
    api = api_for(alice)
    listed = api.get("/api/v1/authorised-apps").json()
    assert [(a["client_id"], a["scopes"]) for a in listed] == [
        (tracker.client_id, ["read", "write", "profile"])
    ]
    assert api.delete(f"/api/v1/authorised-apps/{tracker.pk}").status_code == 204
    assert app_api.get("/api/v1/notifications").status_code == 401
    assert api.get("/api/v1/authorised-apps").json() == []
    assert api.delete(f"/api/v1/authorised-apps/{tracker.pk}").status_code == 404
