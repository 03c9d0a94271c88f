"""Who sees what: eve and carol never see alice's engagement, its submissions or
files (404 by page and API); a candidate cannot approve their own work (403)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from stint.accounts.models import User
from stint.engagements import services
from stint.engagements.models import Engagement, SubmissionItem

pytestmark = pytest.mark.django_db


@pytest.fixture
def submitted(engagement: Engagement, alice: User) -> tuple[Engagement, SubmissionItem]:
    services.engagement_start(actor=alice, engagement_id=engagement.pk)
    s = services.submission_create(
        actor=alice,
        engagement_id=engagement.pk,
        text="secret work",
        files=[SimpleUploadedFile("secret.csv", b"x,y\n")],
    )
    return engagement, s.items.get()


def test_outsiders_get_404_everywhere(
    submitted: tuple[Engagement, SubmissionItem],
    eve: User,
    carol: User,
    root: User,
    globex: Any,
    client_for: Any,
    api_for: Any,
) -> None:
    e, item = submitted
    pages_get = ["", "submit/", "review/", "dispute/", f"files/{item.pk}/"]
    pages_post = ["start/", "cancel/", "split/", "dispute/", "hours/", "milestones/", "review/"]
    api_get = ["", "/submissions", f"/files/{item.pk}", "/time-logs"]
    api_post = ["/start", "/approval", "/changes", "/cancellation", "/dispute", "/time-logs"]
    for user in (eve, carol, root):
        page, api = client_for(user), api_for(user)
        for suffix in pages_get:
            assert page.get(f"/engagements/{e.pk}/{suffix}").status_code == 404, (user, suffix)
        for suffix in pages_post:
            r = page.post(f"/engagements/{e.pk}/{suffix}", {"statement": "x", "comments": "x"})
            assert r.status_code == 404, (user, suffix)
        for suffix in api_get:
            assert api.get(f"/api/v1/engagements/{e.pk}{suffix}").status_code == 404, suffix
        for suffix in api_post:
            r = api.post(
                f"/api/v1/engagements/{e.pk}{suffix}",
                data=json.dumps({"statement": "x", "day": "2030-01-01", "minutes": 1}),
                content_type="application/json",
            )
            assert r.status_code == 404, (user, suffix)
        assert e.title.encode() not in page.get("/engagements/").content
        assert api.get("/api/v1/engagements").json() == []
    e.refresh_from_db()
    assert e.status == "submitted"


def test_the_candidate_cannot_approve_their_own_work(
    submitted: tuple[Engagement, SubmissionItem], alice: User, client_for: Any, api_for: Any
) -> None:
    e, _ = submitted
    assert client_for(alice).get(f"/engagements/{e.pk}/review/").status_code == 403
    r = client_for(alice).post(f"/engagements/{e.pk}/review/", {"decision": "approve"})
    assert r.status_code == 403
    r = api_for(alice).post(
        f"/api/v1/engagements/{e.pk}/approval", data="{}", content_type="application/json"
    )
    assert r.status_code == 403
    e.refresh_from_db()
    assert e.status == "submitted" and e.paid_at is None


def test_employer_members_see_it_and_cannot_submit(
    submitted: tuple[Engagement, SubmissionItem], acme_member: User, client_for: Any
) -> None:
    e, item = submitted
    page = client_for(acme_member)
    assert page.get(f"/engagements/{e.pk}/").status_code == 200
    assert page.get(f"/engagements/{e.pk}/files/{item.pk}/").status_code == 200
    assert page.get(f"/engagements/{e.pk}/submit/").status_code == 403


def test_files_of_another_engagement_are_not_reachable(
    submitted: tuple[Engagement, SubmissionItem],
    bob: User,
    carol: User,
    globex: Any,
    frank: User,
    esco_skills: Any,
    django_capture_on_commit_callbacks: Any,
    client_for: Any,
) -> None:
    """Carol's own engagement id with alice's file id is still a 404."""
    from tests.applications.conftest import make_opportunity
    from tests.engagements.conftest import accept_offer

    _, item = submitted
    other = make_opportunity(globex, carol, esco_skills, title="Globex job")
    with django_capture_on_commit_callbacks(execute=True):
        offer = accept_offer(frank, carol, other)
    theirs = Engagement.objects.get(offer=offer)
    r = client_for(carol).get(f"/engagements/{theirs.pk}/files/{item.pk}/")
    assert r.status_code == 404
    assert client_for(bob).get(f"/engagements/{theirs.pk}/").status_code == 404
