"""Who must not see or do what: eve (outsider) and carol (another employer) never
read alice's reviews or act on her engagements; alice never acts for the employer."""

from __future__ import annotations

import json

import pytest

from stint.accounts.models import User
from stint.engagements.models import Engagement
from stint.orgs.models import Organisation
from stint.reviews import services
from stint.reviews.models import FollowUpOffer, Review, VerifiedSkill
from tests.reviews.conftest import EMPLOYER_RATINGS

pytestmark = pytest.mark.django_db
JSON = "application/json"


@pytest.fixture
def world(paid: Engagement, alice: User, bob: User) -> dict[str, int]:
    services.review_create(
        actor=bob, engagement_id=paid.pk, ratings=EMPLOYER_RATINGS, text="secret words"
    )
    offer = services.follow_up_create(
        actor=bob, engagement_id=paid.pk, kind="job", role_title="Analyst"
    )
    return {"e": paid.pk, "org": paid.employer_id, "fu": offer.pk}


def test_outsiders_get_404_on_pages_and_api(
    world: dict[str, int], carol: User, globex: Organisation, eve: User, api_for, client_for
) -> None:  # type: ignore[no-untyped-def]
    e, org, fu = world["e"], world["org"], world["fu"]
    skill_body = json.dumps({"skills": {"x": 2}})
    for user in (carol, eve):
        api, page = api_for(user), client_for(user)
        for url in (
            f"/api/v1/engagements/{e}/reviews",
            f"/api/v1/engagements/{e}/verified-skills",
            f"/api/v1/engagements/{e}/credential",
            f"/api/v1/orgs/{org}/reputation",
            f"/api/v1/orgs/{org}/outcomes",
            f"/api/v1/orgs/{org}/employer-stats",
        ):
            assert api.get(url).status_code == 404, (user, url)
        for url, body in (
            (f"/api/v1/engagements/{e}/reviews", json.dumps({"ratings": EMPLOYER_RATINGS})),
            (f"/api/v1/engagements/{e}/verified-skills", skill_body),
            (
                f"/api/v1/engagements/{e}/follow-ups",
                json.dumps({"kind": "job", "role_title": "Spy"}),
            ),
            (f"/api/v1/engagements/{e}/credential", "{}"),
            (f"/api/v1/follow-ups/{fu}/accept", "{}"),
            (f"/api/v1/follow-ups/{fu}/withdraw", "{}"),
        ):
            assert api.post(url, body, content_type=JSON).status_code == 404, (user, url)
        for url in (
            f"/reviews/engagement/{e}/",
            f"/reviews/reputation/employer/{org}/",
            f"/reviews/outcomes/employer/{org}/",
        ):
            assert page.get(url).status_code == 404, (user, url)
        for url in (
            f"/reviews/engagement/{e}/",
            f"/reviews/engagement/{e}/skills/",
            f"/reviews/engagement/{e}/follow-up/",
            f"/reviews/engagement/{e}/credential/",
        ):
            assert (
                page.post(url, {"verify_0": "2", "kind": "job", "role_title": "Spy"}).status_code
                == 404
            )
        assert b"secret words" not in page.get("/reviews/reputation/").content
    assert Review.objects.count() == 1 and VerifiedSkill.objects.count() == 0
    assert FollowUpOffer.objects.get().status == "offered"


def test_candidate_cannot_act_for_the_employer(
    world: dict[str, int], alice: User, api_for, client_for
) -> None:  # type: ignore[no-untyped-def]
    e = world["e"]
    api = api_for(alice)
    assert (
        api.post(
            f"/api/v1/engagements/{e}/verified-skills",
            json.dumps({"skills": {"x": 2}}),
            content_type=JSON,
        ).status_code
        == 403
    )
    assert (
        api.post(
            f"/api/v1/engagements/{e}/follow-ups",
            json.dumps({"kind": "job", "role_title": "Me"}),
            content_type=JSON,
        ).status_code
        == 403
    )
    assert api.post(f"/api/v1/follow-ups/{world['fu']}/withdraw").status_code == 403
    assert (
        client_for(alice).post(f"/reviews/engagement/{e}/skills/", {"verify_0": "4"}).status_code
        == 403
    )
    assert api.get(f"/api/v1/orgs/{world['org']}/outcomes").status_code == 404
    assert VerifiedSkill.objects.count() == 0 and FollowUpOffer.objects.count() == 1


def test_unrevealed_review_hidden_from_candidate(
    world: dict[str, int], alice: User, api_for, client_for
) -> None:  # type: ignore[no-untyped-def]
    assert api_for(alice).get(f"/api/v1/engagements/{world['e']}/reviews").json()["reviews"] == []
    assert (
        b"secret words" not in client_for(alice).get(f"/reviews/engagement/{world['e']}/").content
    )
    assert api_for(alice).get("/api/v1/me/reputation").json()["count"] == 0


def test_anonymous_is_sent_to_login_or_401(world: dict[str, int], client) -> None:  # type: ignore[no-untyped-def]
    assert client.get(f"/reviews/engagement/{world['e']}/").status_code == 302
    assert client.get("/reviews/outcomes/").status_code == 302
    assert client.get(f"/api/v1/engagements/{world['e']}/reviews").status_code == 401
    assert client.get("/api/v1/me/outcomes").status_code == 401


def test_platform_admin_reads_only_revealed_reviews_and_cannot_review(
    world: dict[str, int], root: User, client_for
) -> None:  # type: ignore[no-untyped-def]
    page = client_for(root).get(f"/reviews/engagement/{world['e']}/")
    assert page.status_code == 200
    assert b"secret words" not in page.content and b"Submit review" not in page.content
