"""Issue 14 item 9: the employer's team opens an applicant's profile, resume and
portfolio from the application and the pipeline; nobody else can."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.base import ContentFile

from stint.accounts.models import User
from stint.opportunities.models import Opportunity
from stint.orgs.models import Organisation
from stint.profiles.services import profile_get_or_create, profile_update
from stint.reviews.models import Portfolio
from tests.applications.conftest import apply

pytestmark = pytest.mark.django_db


@pytest.fixture
def application(alice: User, published_opportunity: Opportunity) -> Any:
    profile_update(actor=alice, headline="Economics student who loves tidy data")
    profile = profile_get_or_create(actor=alice)
    profile.resume.save("alice-cv.pdf", ContentFile(b"%PDF-1.4 Alice's resume"), save=False)
    profile.resume_filename = "Alice CV.pdf"
    profile.save(update_fields=["resume", "resume_filename"])
    Portfolio.objects.create(user=alice, slug="alice-c", public=True)
    return apply(alice, published_opportunity)


def test_employer_reaches_profile_resume_and_portfolio_by_clicking(
    bob: User, application: Any, client_for: Any
) -> None:
    page = client_for(bob)
    pipeline = page.get(f"/applications/opportunity/{application.opportunity_id}/")
    profile_url = f"/applications/{application.pk}/candidate/"
    assert profile_url.encode() in pipeline.content
    assert profile_url.encode() in page.get(f"/applications/{application.pk}/").content

    r = page.get(profile_url)
    assert r.status_code == 200
    html = r.content.decode()
    assert "Economics student who loves tidy data" in html
    assert f"/applications/{application.pk}/candidate/resume/" in html
    assert "/p/alice-c/" in html

    resume = page.get(f"/applications/{application.pk}/candidate/resume/")
    assert resume.status_code == 200
    assert b"".join(resume.streaming_content) == b"%PDF-1.4 Alice's resume"


def test_api_twin_gives_profile_resume_link_and_portfolio(
    bob: User, application: Any, api_for: Any
) -> None:
    api = api_for(bob)
    r = api.get(f"/api/v1/applications/{application.pk}/candidate")
    assert r.status_code == 200
    body = r.json()
    assert body["profile"]["headline"] == "Economics student who loves tidy data"
    assert body["portfolio_url"] == "/p/alice-c/"
    download = body["profile"]["resume"]["download_url"]
    assert download == f"/api/v1/applications/{application.pk}/candidate/resume"
    assert api.get(download).status_code == 200


def test_a_private_portfolio_is_not_linked(bob: User, application: Any, api_for: Any) -> None:
    Portfolio.objects.filter(slug="alice-c").update(public=False)
    r = api_for(bob).get(f"/api/v1/applications/{application.pk}/candidate")
    assert r.json()["portfolio_url"] is None


def test_other_employers_and_strangers_get_404_the_candidate_403(
    alice: User,
    carol: User,
    globex: Organisation,
    eve: User,
    application: Any,
    client_for: Any,
    api_for: Any,
) -> None:
    for path in ("candidate/", "candidate/resume/"):
        url = f"/applications/{application.pk}/{path}"
        assert client_for(carol).get(url).status_code == 404  # another employer: ids do not leak
        assert client_for(eve).get(url).status_code == 404
        assert client_for(alice).get(url).status_code == 403  # sees the application, not this
    assert client_for(None).get(f"/applications/{application.pk}/candidate/").status_code == 302
    api = f"/api/v1/applications/{application.pk}/candidate"
    assert api_for(carol).get(api).status_code == 404
    assert api_for(alice).get(api).status_code == 403
    assert api_for(carol).get(f"{api}/resume").status_code == 404
    # Without an application, the employer cannot reach the profile either.
    assert client_for(carol).get(f"/profile/{alice.pk}/").status_code == 404
