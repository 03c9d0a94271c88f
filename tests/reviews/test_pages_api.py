"""Pages and API twins: happy paths, bad input (4xx naming the field, nothing
changed) and the chart partials."""

from __future__ import annotations

import json

import pytest
from django.template.loader import render_to_string

from stint.accounts.models import User
from stint.engagements.models import Engagement
from stint.orgs.models import Organisation
from stint.reviews import selectors, services
from stint.reviews.models import FollowUpOffer, Portfolio, Review, VerifiedSkill
from tests.reviews.conftest import CANDIDATE_RATINGS, EMPLOYER_RATINGS

pytestmark = pytest.mark.django_db
JSON = "application/json"


def _post_review_form(side_ratings: dict[str, int], **extra: str) -> dict[str, str]:
    data = {f"rating_{k}": str(v) for k, v in side_ratings.items()}
    data.update(extra)
    return data


def test_review_pages_flow(approved: Engagement, alice: User, bob: User, client_for) -> None:  # type: ignore[no-untyped-def]
    bob_c, alice_c = client_for(bob), client_for(alice)
    page = bob_c.get(f"/reviews/engagement/{approved.pk}/")
    assert (
        page.status_code == 200
        and b"Quality of work" in page.content
        and b"Verify skills" in page.content
    )
    response = bob_c.post(
        f"/reviews/engagement/{approved.pk}/",
        _post_review_form(EMPLOYER_RATINGS, text="Tidy, careful work.", skill_0="5", verify_0="3"),
    )
    assert response.status_code == 302
    review = Review.objects.get(side="employer")
    assert review.skill_ratings and VerifiedSkill.objects.filter(candidate=alice).count() == 1
    hidden = alice_c.get(f"/reviews/engagement/{approved.pk}/")
    assert (
        b"Tidy, careful work." not in hidden.content
        and b"Write yours to see theirs" in hidden.content
    )
    assert b"Clarity of the brief" in hidden.content
    alice_c.post(
        f"/reviews/engagement/{approved.pk}/",
        _post_review_form(CANDIDATE_RATINGS, text="Clear brief"),
    )
    shown = alice_c.get(f"/reviews/engagement/{approved.pk}/")
    assert b"Tidy, careful work." in shown.content and b"Clear brief" in shown.content


def test_review_page_bad_input_names_the_field(approved: Engagement, bob: User, client_for) -> None:  # type: ignore[no-untyped-def]
    bad = {**{f"rating_{k}": str(v) for k, v in EMPLOYER_RATINGS.items()}, "rating_quality": "9"}
    response = client_for(bob).post(f"/reviews/engagement/{approved.pk}/", bad)
    assert response.status_code == 422
    assert "rating_quality" in response.context["form"].errors
    assert Review.objects.count() == 0


def test_verify_and_follow_up_pages(paid: Engagement, alice: User, bob: User, client_for) -> None:  # type: ignore[no-untyped-def]
    c = client_for(bob)
    assert c.post(f"/reviews/engagement/{paid.pk}/skills/", {"verify_0": "2"}).status_code == 302
    assert VerifiedSkill.objects.filter(engagement=paid).count() == 1
    empty = c.post(f"/reviews/engagement/{paid.pk}/skills/", {})
    assert empty.status_code == 422 and empty.context["verify_form"].non_field_errors()
    bad = c.post(f"/reviews/engagement/{paid.pk}/follow-up/", {"kind": "job", "role_title": ""})
    assert bad.status_code == 422 and "role_title" in bad.context["follow_up_form"].errors
    assert FollowUpOffer.objects.count() == 0
    ok = c.post(
        f"/reviews/engagement/{paid.pk}/follow-up/",
        {"kind": "job", "role_title": "Analyst", "message": "Hi"},
    )
    assert ok.status_code == 302
    offer = FollowUpOffer.objects.get()
    # While it is open the page says who acts next instead of showing a form that refuses.
    waiting = c.get(f"/reviews/engagement/{paid.pk}/").content.decode()
    section = waiting[waiting.index('id="follow-up"') :]
    assert 'id="follow-up-waiting"' in section and "Invite to a longer role" not in section
    ac = client_for(alice)
    listing = ac.get("/reviews/follow-ups/")
    assert b"Analyst" in listing.content
    assert ac.post(f"/reviews/follow-ups/{offer.pk}/accept/").status_code == 302
    offer.refresh_from_db()
    assert offer.status == "accepted"
    assert b"Offers your teams sent" in c.get("/reviews/follow-ups/").content
    assert b"Invite to a longer role" in c.get(f"/reviews/engagement/{paid.pk}/").content


def test_reputation_pages(
    approved: Engagement, alice: User, bob: User, client_for, acme: Organisation
) -> None:  # type: ignore[no-untyped-def]
    services.review_create(actor=bob, engagement_id=approved.pk, ratings=EMPLOYER_RATINGS)
    services.review_create(actor=alice, engagement_id=approved.pk, ratings=CANDIDATE_RATINGS)
    page = client_for(alice).get("/reviews/reputation/")
    assert page.status_code == 200 and b"4.5" in page.content and b"average" in page.content
    assert approved.title.encode() in page.content
    emp = client_for(bob).get(f"/reviews/reputation/employer/{acme.pk}/")
    assert emp.status_code == 200 and b"4.75" in emp.content


def test_portfolio_pages(
    paid: Engagement, alice: User, bob: User, eve: User, client_for, client
) -> None:  # type: ignore[no-untyped-def]
    ac = client_for(alice)
    settings_page = ac.get("/reviews/portfolio/")
    assert settings_page.status_code == 200
    slug = Portfolio.objects.get(user=alice).slug
    assert client.get(f"/p/{slug}/").status_code == 404
    assert client_for(eve).get(f"/p/{slug}/").status_code == 404
    own = ac.get(f"/p/{slug}/")
    assert own.status_code == 200 and b"Only you can see this page" in own.content
    bad = ac.post("/reviews/portfolio/", {"slug": "verify", "public": "on"})
    assert bad.status_code == 422 and "slug" in bad.context["form"].errors
    assert Portfolio.objects.get(user=alice).public is False
    assert (
        ac.post(
            "/reviews/portfolio/", {"slug": "alice", "public": "on", "headline": "Tidy data"}
        ).status_code
        == 302
    )
    services.credential_issue(actor=alice, engagement_id=paid.pk)
    public = client.get("/p/alice/")
    assert public.status_code == 200
    assert paid.title.encode() in public.content and b"Tidy data" in public.content
    assert (
        client.get(f"/p/alice/credentials/{paid.pk}.json").json()["type"][1]
        == "OpenBadgeCredential"
    )
    assert client.get("/p/nobody-here/").status_code == 404


def test_outcome_pages_and_partials(
    paid: Engagement, alice: User, bob: User, acme: Organisation, client_for
) -> None:  # type: ignore[no-untyped-def]
    page = client_for(alice).get("/reviews/outcomes/")
    assert page.status_code == 200 and page.content.count(b"<svg class='chart'") == 3
    emp = client_for(bob).get(f"/reviews/outcomes/employer/{acme.pk}/")
    assert emp.status_code == 200 and emp.content.count(b"<svg class='chart'") == 3
    html = render_to_string(
        "reviews/_dashboard_candidate.html", {"outcomes": selectors.candidate_outcomes(alice)}
    )
    assert (
        "Earnings per month" in html
        and "Verified skills gained" in html
        and "essential skills" in html
    )
    html = render_to_string(
        "reviews/_dashboard_employer.html", {"outcomes": selectors.employer_outcomes(acme)}
    )
    assert "Spend per month" in html and "Completion rate" in html and "100%" in html
    assert paid.opportunity.title in html  # time to fill bar


# --- API -----------------------------------------------------------------------------------------


def test_api_review_flow(approved: Engagement, alice: User, bob: User, api_for) -> None:  # type: ignore[no-untyped-def]
    skill_id = approved.opportunity.skills.first().skill_id
    b = api_for(bob)
    created = b.post(
        f"/api/v1/engagements/{approved.pk}/reviews",
        json.dumps(
            {
                "ratings": EMPLOYER_RATINGS,
                "skill_ratings": {skill_id: 4},
                "verified_skills": {skill_id: 3},
                "text": "Good",
            }
        ),
        content_type=JSON,
    )
    assert created.status_code == 201 and created.json()["side"] == "employer"
    a = api_for(alice)
    before = a.get(f"/api/v1/engagements/{approved.pk}/reviews").json()
    assert before["reviews"] == [] and before["other_side_reviewed"] and before["can_review"]
    a.post(
        f"/api/v1/engagements/{approved.pk}/reviews",
        json.dumps({"ratings": CANDIDATE_RATINGS}),
        content_type=JSON,
    )
    after = a.get(f"/api/v1/engagements/{approved.pk}/reviews").json()
    assert {r["side"] for r in after["reviews"]} == {"employer", "candidate"} and not after[
        "can_review"
    ]
    rep = a.get("/api/v1/me/reputation").json()
    assert rep["count"] == 1 and rep["overall"] == 4.5 and rep["reviews"][0]["score"] == 4.5
    assert rep["skills"][0]["average"] == 4.0
    org_rep = b.get(f"/api/v1/orgs/{approved.employer_id}/reputation").json()
    assert org_rep["overall"] == 4.75
    assert a.get("/api/v1/me/verified-skills").json()[0]["level"] == 3
    assert (
        b.get(f"/api/v1/engagements/{approved.pk}/verified-skills").json()[0]["skill_id"]
        == skill_id
    )


def test_api_bad_input(
    approved: Engagement, paid: Engagement, alice: User, bob: User, api_for
) -> None:  # type: ignore[no-untyped-def]
    b = api_for(bob)
    bad = b.post(
        f"/api/v1/engagements/{approved.pk}/reviews",
        json.dumps({"ratings": {**EMPLOYER_RATINGS, "quality": 0}}),
        content_type=JSON,
    )
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "ratings.quality"
    typed = b.post(
        f"/api/v1/engagements/{approved.pk}/reviews",
        json.dumps({"ratings": "five"}),
        content_type=JSON,
    )
    assert typed.status_code == 422 and typed.json()["errors"][0]["field"].startswith("ratings")
    assert Review.objects.count() == 0
    skills = b.post(
        f"/api/v1/engagements/{approved.pk}/verified-skills",
        json.dumps({"skills": {}}),
        content_type=JSON,
    )
    assert skills.status_code == 422 and skills.json()["errors"][0]["field"] == "skills"
    fu = b.post(
        f"/api/v1/engagements/{paid.pk}/follow-ups",
        json.dumps({"kind": "gig", "role_title": "A"}),
        content_type=JSON,
    )
    assert fu.status_code == 422 and {e["field"] for e in fu.json()["errors"]} >= {"kind"}
    a = api_for(alice)
    pf = a.patch("/api/v1/me/portfolio", json.dumps({"slug": "keys"}), content_type=JSON)
    assert pf.status_code == 422 and pf.json()["errors"][0]["field"] == "slug"
    assert not Portfolio.objects.filter(slug="keys").exists()
    assert VerifiedSkill.objects.count() == 0 and FollowUpOffer.objects.count() == 0


def test_api_portfolio_follow_ups_outcomes(
    paid: Engagement, alice: User, bob: User, eve: User, api_for, client
) -> None:  # type: ignore[no-untyped-def]
    a, b = api_for(alice), api_for(bob)
    mine = a.get("/api/v1/me/portfolio").json()
    assert mine["public"] is False
    assert client.get(f"/api/v1/portfolios/{mine['slug']}").status_code == 404
    a.patch(
        "/api/v1/me/portfolio", json.dumps({"public": True, "headline": "Hi"}), content_type=JSON
    )
    public = client.get(f"/api/v1/portfolios/{mine['slug']}").json()
    assert public["headline"] == "Hi" and public["engagements"][0]["title"] == paid.title
    assert "fee_minor" not in json.dumps(public)
    created = b.post(
        f"/api/v1/engagements/{paid.pk}/follow-ups",
        json.dumps({"kind": "internship", "role_title": "Summer intern"}),
        content_type=JSON,
    )
    assert created.status_code == 201
    fid = created.json()["id"]
    assert api_for(eve).post(f"/api/v1/follow-ups/{fid}/accept").status_code == 404
    assert b.post(f"/api/v1/follow-ups/{fid}/accept").status_code == 403
    assert a.post(f"/api/v1/follow-ups/{fid}/decline").json()["status"] == "declined"
    assert a.post(f"/api/v1/follow-ups/{fid}/accept").status_code == 409
    assert a.get("/api/v1/follow-ups").json()["received"][0]["id"] == fid
    assert b.get("/api/v1/follow-ups").json()["sent"][0]["id"] == fid
    out = a.get("/api/v1/me/outcomes").json()
    assert out["completed_engagements"] == 1 and len(out["months"]) == 12
    emp = b.get(f"/api/v1/orgs/{paid.employer_id}/outcomes").json()
    assert emp["completed_engagements"] == 1 and emp["follow_up_rate"] == 1.0
    stats = b.get(f"/api/v1/orgs/{paid.employer_id}/employer-stats").json()
    assert stats == {"follow_up_offer_rate": 1.0, "completed_engagements": 1}
