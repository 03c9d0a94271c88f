"""The data export: every row and file that is the user's, nothing of others',
built by a task, downloadable by its owner only."""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from stint.accounts.models import User
from stint.core.errors import ConflictError
from stint.privacy import services
from stint.privacy.models import DataExport

pytestmark = pytest.mark.django_db


def _zip(client: Client, export_id: int) -> zipfile.ZipFile:
    r = client.get(f"/privacy/exports/{export_id}/download/")
    assert r.status_code == 200, r.status_code
    assert r["Content-Type"] == "application/zip"
    return zipfile.ZipFile(io.BytesIO(b"".join(r.streaming_content)))


def test_export_contains_my_rows_and_files_and_nothing_of_others(
    alice: User,
    alice_world: dict[str, Any],
    other_world: dict[str, Any],
    client_for: Callable[[User | None], Client],
    django_capture_on_commit_callbacks: Any,
) -> None:
    client = client_for(alice)
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post("/privacy/exports/").status_code == 302
    export = DataExport.objects.get(user=alice)
    assert export.status == "ready" and export.expires_at is not None
    archive = _zip(client, export.pk)
    data = json.loads(archive.read("data.json"))
    blob = json.dumps(data)
    models = data["models"]
    assert models["accounts.User"][0]["email"] == "alice@example.com"
    assert "password" not in models["accounts.User"][0]
    assert "key_hash" not in models["accounts.ApiToken"][0]
    for label in (
        "profiles.CandidateProfile",
        "profiles.Education",
        "applications.Application",
        "applications.Answer",
        "applications.Message",
        "engagements.Engagement",
        "reviews.Review",
        "notifications.Notification",
        "opportunities.SavedSearch",
        "account.EmailAddress",
    ):
        assert label in models, label
    for mine in (
        "alicetag headline",
        "alicetag note",
        "alicetag answer",
        "alicetag message",
        "alicetag review of employer",
        "alicetag notification",
    ):
        assert mine in blob, mine
    # Nothing of others: not zed's rows, not the employer's reply in alice's thread.
    assert "zedtag" not in blob and "zed@example.com" not in blob
    assert "reply to alicetag" not in blob
    names = archive.namelist()
    assert any(n.startswith("files/profiles.CandidateProfile/") for n in names)
    assert any(n.startswith("files/applications.Message/") for n in names)
    contents = b"".join(archive.read(n) for n in names if n.startswith("files/"))
    assert b"alicetag" in contents and b"zedtag" not in contents


def test_only_the_owner_downloads(
    alice: User,
    eve: User,
    root: User,
    alice_world: dict[str, Any],
    client_for: Callable[[User | None], Client],
    api_for: Callable[[User | None], Client],
    django_capture_on_commit_callbacks: Any,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        r = api_for(alice).post("/api/v1/privacy/exports")
    assert r.status_code == 201
    export_id = r.json()["id"]
    assert api_for(alice).get("/api/v1/privacy/exports").json()["items"][0]["status"] == "ready"
    assert api_for(alice).get(f"/api/v1/privacy/exports/{export_id}/download").status_code == 200
    for other in (eve, root):
        assert client_for(other).get(f"/privacy/exports/{export_id}/download/").status_code == 404
        assert (
            api_for(other).get(f"/api/v1/privacy/exports/{export_id}/download").status_code == 404
        )
    assert client_for(None).get(f"/privacy/exports/{export_id}/download/").status_code == 302


def test_one_pending_export_at_a_time(alice: User) -> None:
    services.export_request(actor=alice)  # not built: no on-commit execution here
    with pytest.raises(ConflictError):
        services.export_request(actor=alice)
    assert DataExport.objects.filter(user=alice).count() == 1


def test_build_is_idempotent(alice: User, alice_world: dict[str, Any]) -> None:
    export = DataExport.objects.create(user=alice)
    assert services.export_build(export_id=export.pk) is True
    assert services.export_build(export_id=export.pk) is False
