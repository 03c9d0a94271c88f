"""References: request after completion, write or decline, visibility, and
expiring signed share links (expired or revoked → 404)."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.utils import timezone
from freezegun import freeze_time

from stint.accounts.models import User
from stint.core.errors import ConflictError, DomainError, Forbidden, NotFound
from stint.engagements.models import Engagement
from stint.notifications.models import Notification
from stint.reviews import references as services
from stint.reviews import selectors
from stint.reviews.models import Reference
from tests.growth.conftest import JSON

pytestmark = pytest.mark.django_db


@pytest.fixture
def written(approved: Engagement, alice: User, bob: User) -> Reference:
    ref = services.reference_request(actor=alice, engagement_id=approved.pk, message="Please?")
    return services.reference_write(actor=bob, reference_id=ref.pk, text="Alice is excellent.")


def test_request_write_and_visibility(approved: Engagement, alice: User, bob: User) -> None:
    ref = services.reference_request(actor=alice, engagement_id=approved.pk)
    assert Notification.objects.filter(user=bob, kind="growth.reference").exists()
    with pytest.raises(ConflictError):
        services.reference_request(actor=alice, engagement_id=approved.pk)
    with pytest.raises(Forbidden):
        services.reference_write(actor=alice, reference_id=ref.pk, text="I am great")
    with pytest.raises(DomainError) as exc:
        services.reference_write(actor=bob, reference_id=ref.pk, text="   ")
    assert exc.value.field == "text"
    services.reference_write(actor=bob, reference_id=ref.pk, text="Reliable.")
    assert selectors.public_references(alice) == []  # private by default
    services.reference_set_visibility(actor=alice, reference_id=ref.pk, visibility="portfolio")
    assert [r.text for r in selectors.public_references(alice)] == ["Reliable."]
    with pytest.raises(Forbidden):
        services.reference_set_visibility(actor=bob, reference_id=ref.pk, visibility="private")


def test_decline_then_ask_again(approved: Engagement, alice: User, bob: User) -> None:
    ref = services.reference_request(actor=alice, engagement_id=approved.pk)
    services.reference_decline(actor=bob, reference_id=ref.pk, reason="Too short to judge")
    assert Reference.objects.get(pk=ref.pk).status == "declined"
    again = services.reference_request(actor=alice, engagement_id=approved.pk)
    assert again.pk != ref.pk


def test_not_before_completion(running: Engagement, alice: User) -> None:
    with pytest.raises(DomainError) as exc:
        services.reference_request(actor=alice, engagement_id=running.pk)
    assert exc.value.field == "engagement_id"
    assert not Reference.objects.exists()


def test_share_link_expires_and_can_be_revoked(written: Reference, alice: User, client_for) -> None:  # type: ignore[no-untyped-def]
    start = timezone.now()
    with freeze_time(start):
        created = services.reference_share_create(
            actor=alice, reference_id=written.pk, days=7, recipient="Initech"
        )
    anonymous = client_for(None)
    with freeze_time(start + timedelta(days=6, hours=23)):
        page = anonymous.get(created.url)
        assert page.status_code == 200 and b"Alice is excellent." in page.content
        api = anonymous.get(f"/api/v1/shared-references/{created.token}")
        assert api.status_code == 200 and api.json()["text"] == "Alice is excellent."
    with freeze_time(start + timedelta(days=7, seconds=1)):
        page = anonymous.get(created.url)
        assert page.status_code == 404 and b"Alice is excellent." not in page.content
        assert anonymous.get(f"/api/v1/shared-references/{created.token}").status_code == 404
    # Revoked: 404 at once.
    other = services.reference_share_create(actor=alice, reference_id=written.pk, days=30)
    assert anonymous.get(other.url).status_code == 200
    services.reference_share_revoke(actor=alice, share_id=other.share.pk)
    assert anonymous.get(other.url).status_code == 404
    # Tampered or unknown tokens.
    assert anonymous.get(other.url.replace(other.token, other.token[:-2] + "xx")).status_code == 404
    with pytest.raises(NotFound):
        services.reference_by_token("garbage")


def test_share_bad_input(written: Reference, alice: User, api_for) -> None:  # type: ignore[no-untyped-def]
    r = api_for(alice).post(
        f"/api/v1/references/{written.pk}/shares", json.dumps({"days": 400}), content_type=JSON
    )
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "days"
    assert not written.shares.exists()
    r = api_for(alice).post(
        f"/api/v1/references/{written.pk}/shares", json.dumps({"days": 3}), content_type=JSON
    )
    assert r.status_code == 201 and "/growth/r/" in r.json()["url"]


def test_pages(approved: Engagement, alice: User, bob: User, client_for) -> None:  # type: ignore[no-untyped-def]
    r = client_for(alice).post(f"/growth/engagements/{approved.pk}/reference/", {"message": "Hi"})
    assert r.status_code == 302
    ref = Reference.objects.get()
    assert b"Write it" in client_for(bob).get(f"/growth/references/{ref.pk}/").content
    r = client_for(bob).post(f"/growth/references/{ref.pk}/write/", {"text": ""})
    assert r.status_code == 422
    assert Reference.objects.get().status == "requested"
    r = client_for(bob).post(f"/growth/references/{ref.pk}/write/", {"text": "Top work."})
    assert r.status_code == 302
    mine = client_for(alice)
    r = mine.post(f"/growth/references/{ref.pk}/share/", {"days": 5})
    assert r.status_code == 302
    page = mine.get(f"/growth/references/{ref.pk}/").content.decode()
    assert "/growth/r/" in page  # the new link is shown once
    assert b"/growth/r/" not in mine.get(f"/growth/references/{ref.pk}/").content


def test_outsiders_never_see_references(
    written: Reference, alice: User, carol: User, globex, eve: User, api_for, client_for
) -> None:  # type: ignore[no-untyped-def]
    share = services.reference_share_create(actor=alice, reference_id=written.pk, days=5)
    for user in (carol, eve):
        api, page = api_for(user), client_for(user)
        assert api.get(f"/api/v1/references/{written.pk}").status_code == 404
        assert b"excellent" not in api.get("/api/v1/references").content
        assert page.get(f"/growth/references/{written.pk}/").status_code == 404
        assert (
            api.patch(
                f"/api/v1/references/{written.pk}",
                json.dumps({"visibility": "portfolio"}),
                content_type=JSON,
            ).status_code
            == 404
        )
        assert (
            api.post(
                f"/api/v1/references/{written.pk}/shares",
                json.dumps({"days": 3}),
                content_type=JSON,
            ).status_code
            == 404
        )
        assert api.delete(f"/api/v1/reference-shares/{share.share.pk}").status_code == 404
        assert page.post(f"/growth/reference-links/{share.share.pk}/revoke/").status_code == 404
    written.refresh_from_db()
    assert written.visibility == "private"
    assert written.shares.filter(revoked_at__isnull=True).count() == 1
