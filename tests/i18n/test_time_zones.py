"""Times in the viewer's zone (ADR 0021): a candidate's profile zone is activated for
their pages and named beside each time; everyone else reads UTC; the API is unchanged."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from stint.accounts.models import User
from stint.core.middleware import viewer_time_zone
from stint.profiles.models import CandidateProfile
from tests.factories import ApplicationFactory, OfferFactory, OpportunityFactory, UserFactory

# One instant, far enough ahead to stay a pending offer's deadline: 12:00 UTC in January.
DEADLINE = datetime(2099, 1, 15, 12, 0, tzinfo=UTC)


def candidate_in(zone: str) -> User:
    user = UserFactory()
    CandidateProfile.objects.update_or_create(user=user, defaults={"time_zone": zone})
    return user


def offer_for(candidate: User, opportunity: Any) -> int:
    application = ApplicationFactory(opportunity=opportunity, candidate=candidate, status="offered")
    OfferFactory(application=application, status="pending", expires_at=DEADLINE, decided_at=None)
    return int(application.pk)


@pytest.mark.django_db
def test_two_viewers_in_different_zones_see_the_same_deadline_in_their_own(
    client_for: Any,
) -> None:
    madrid, new_york = candidate_in("Europe/Madrid"), candidate_in("America/New_York")
    posting = OpportunityFactory()
    offer_for(madrid, posting)
    offer_for(new_york, posting)

    in_madrid = client_for(madrid).get("/applications/").content.decode()
    in_new_york = client_for(new_york).get("/applications/").content.decode()
    assert "answer by 15 Jan 13:00 CET" in in_madrid
    assert "answer by 15 Jan 07:00 EST" in in_new_york
    assert "UTC" not in in_madrid.split("<main", 1)[1] and "CET" not in in_new_york

    # The dashboard names the zone too, with the year.
    dashboard = client_for(new_york).get("/dashboard/").content.decode()
    assert "answer by 15 Jan 2099 07:00 EST" in dashboard


@pytest.mark.django_db
def test_a_viewer_without_a_zone_reads_utc_and_the_api_is_not_shifted(
    client_for: Any, api_for: Any
) -> None:
    utc_candidate = UserFactory()  # no profile yet: UTC
    madrid = candidate_in("Europe/Madrid")
    posting = OpportunityFactory()
    offer_for(utc_candidate, posting)
    madrid_application = offer_for(madrid, posting)

    assert (
        "answer by 15 Jan 12:00 UTC"
        in client_for(utc_candidate).get("/applications/").content.decode()
    )
    # The API speaks ISO 8601 with its offset whoever asks: no zone is applied there.
    r = api_for(madrid).get(f"/api/v1/applications/{madrid_application}")
    assert r.status_code == 200
    assert "2099-01-15T12:00:00" in r.content.decode() and "13:00" not in r.content.decode()


@pytest.mark.django_db
def test_a_zone_the_server_does_not_know_is_treated_as_utc(alice: User) -> None:
    CandidateProfile.objects.update_or_create(user=alice, defaults={"time_zone": "Mars/Olympus"})
    alice.refresh_from_db()
    assert viewer_time_zone(alice) is None
    CandidateProfile.objects.filter(user=alice).update(time_zone="Asia/Tokyo")
    alice.refresh_from_db()
    zone = viewer_time_zone(alice)
    assert zone is not None and zone.key == "Asia/Tokyo"


@pytest.mark.django_db
def test_employers_have_no_profile_zone_and_read_utc(bob: User) -> None:
    assert viewer_time_zone(bob) is None
