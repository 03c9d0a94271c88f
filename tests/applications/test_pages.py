"""The HTML pages: candidate list, apply form, detail + thread, employer pipeline."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from stint.accounts.models import User
from stint.applications import services
from stint.applications.models import Application, Message, Offer
from stint.opportunities.models import Opportunity
from tests.applications.conftest import apply
from tests.personas import make_user

pytestmark = pytest.mark.django_db


def test_apply_through_the_form(
    alice: User, published_opportunity: Opportunity, required_question, client_for
) -> None:  # type: ignore[no-untyped-def]
    page = client_for(alice)
    url = f"/applications/apply/{published_opportunity.pk}/"
    r = page.get(url)
    assert r.status_code == 200 and b"Which tools would you use?" in r.content
    r = page.post(url, {"note": "Hi"})
    assert r.status_code == 200 and b"This field is required" in r.content
    assert not Application.objects.exists()
    r = page.post(url, {"note": "Hi", f"answer_{required_question.pk}": "pandas"})
    a = Application.objects.get()
    assert r.status_code == 302 and r["Location"] == f"/applications/{a.pk}/"
    assert page.get(url).status_code == 302  # already applied: go to the application


def test_candidate_pages(
    alice: User, bob: User, published_opportunity: Opportunity, client_for
) -> None:  # type: ignore[no-untyped-def]
    a = apply(alice, published_opportunity)
    services.application_shortlist(actor=bob, application_id=a.pk)
    offer = services.offer_make(actor=bob, application_id=a.pk)
    services.message_send(actor=bob, application_id=a.pk, body="Welcome aboard soon")
    page = client_for(alice)
    r = page.get("/applications/")
    assert r.status_code == 200
    assert b"Data cleanup" in r.content and b"$500.00" in r.content and b"1 unread" in r.content
    r = page.get(f"/applications/{a.pk}/")
    assert b"Accept the offer" in r.content and b"Welcome aboard soon" in r.content
    assert b"Shortlist" not in r.content
    assert b"1 unread" not in page.get("/applications/").content  # read now
    r = page.post(f"/applications/offers/{offer.pk}/accept/")
    assert r.status_code == 302
    assert Application.objects.get(pk=a.pk).status == "accepted"


def test_employer_pipeline_and_bulk(
    alice: User, frank: User, bob: User, published_opportunity: Opportunity, client_for
) -> None:  # type: ignore[no-untyped-def]
    a = apply(alice, published_opportunity)
    b = apply(frank, published_opportunity)
    page = client_for(bob)
    r = page.get(f"/applications/opportunity/{published_opportunity.pk}/")
    assert r.status_code == 200
    assert b"Alice Candidate" in r.content and b"Frank Candidate" in r.content
    assert b"How quickly you answer" in r.content
    r = page.post(
        f"/applications/opportunity/{published_opportunity.pk}/bulk/",
        {"ids": [a.pk, b.pk], "action": "decline", "reason": "Went another way"},
    )
    assert r.status_code == 302
    assert set(Application.objects.values_list("status", flat=True)) == {"declined"}


def test_employer_detail_shortlist_offer_decline(
    alice: User, frank: User, bob: User, published_opportunity: Opportunity, client_for
) -> None:  # type: ignore[no-untyped-def]
    a = apply(alice, published_opportunity)
    b = apply(frank, published_opportunity)
    page = client_for(bob)
    r = page.get(f"/applications/{a.pk}/")
    assert r.status_code == 200 and b"Shortlist" in r.content and b"Which tools" in r.content
    page.post(f"/applications/{a.pk}/shortlist/")
    # Issue 14: a confirmation with the figures comes first; nothing is sent yet.
    r = page.post(f"/applications/{a.pk}/offer/", {"fee": "450.00"})
    assert r.status_code == 200 and b"Platform fee" in r.content and b"450.00 USD" in r.content
    assert not Offer.objects.exists()
    r = page.post(f"/applications/{a.pk}/offer/", {"fee": "450.00", "confirm": "yes"})
    assert r.status_code == 302
    assert Offer.objects.get().fee_minor == 45_000
    page.post(f"/applications/{b.pk}/decline/", {"reason": "Not this time"})
    assert Application.objects.get(pk=b.pk).decline_reason == "Not this time"
    # A refused move shows a message and changes nothing.
    r = page.post(f"/applications/{b.pk}/shortlist/", follow=True)
    assert b"You cannot shortlist an application that is declined" in r.content


def test_invite_button(
    alice: User, bob: User, published_opportunity: Opportunity, client_for
) -> None:  # type: ignore[no-untyped-def]
    r = client_for(bob).post(
        f"/applications/opportunity/{published_opportunity.pk}/invite/", {"candidate_id": alice.pk}
    )
    assert r.status_code == 302
    assert published_opportunity.apply_invites.filter(candidate=alice).exists()


def test_attachment_download_is_access_checked(
    alice: User,
    bob: User,
    carol: User,
    eve: User,
    published_opportunity: Opportunity,
    client_for,
    settings,
    tmp_path: Path,
) -> None:  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path
    a = apply(alice, published_opportunity)
    page = client_for(alice)
    r = page.post(
        f"/applications/{a.pk}/messages/",
        {"body": "My portfolio", "attachment": SimpleUploadedFile("work.pdf", b"%PDF-1.4 x")},
    )
    assert r.status_code == 302
    m = Message.objects.get()
    url = f"/applications/{a.pk}/messages/{m.pk}/attachment/"
    r = client_for(bob).get(url)
    assert r.status_code == 200 and b"".join(r.streaming_content) == b"%PDF-1.4 x"
    assert 'attachment; filename="work.pdf"' in r["Content-Disposition"]
    for user in (carol, eve):
        assert client_for(user).get(url).status_code == 404
    r = page.post(
        f"/applications/{a.pk}/messages/",
        {"body": "", "attachment": SimpleUploadedFile("evil.html", b"<script>")},
        follow=True,
    )
    assert b"Attach one of these file types" in r.content
    assert Message.objects.count() == 1


def test_pipeline_query_count_does_not_grow_with_applicants(
    bob: User, published_opportunity: Opportunity, client_for
) -> None:  # type: ignore[no-untyped-def]
    page = client_for(bob)
    url = f"/applications/opportunity/{published_opportunity.pk}/"
    apply(make_user("c1@example.com", candidate=True), published_opportunity)
    page.get(url)  # the first request builds the process's matching indexes: measure steady state
    with CaptureQueriesContext(connection) as few:
        page.get(url)
    for i in range(2, 6):
        apply(make_user(f"c{i}@example.com", candidate=True), published_opportunity)
    with CaptureQueriesContext(connection) as many:
        page.get(url)
    assert len(many) == len(few)


def test_partials_for_the_dashboard_and_opportunity_pages(
    alice: User, frank: User, bob: User, published_opportunity: Opportunity
) -> None:
    from django.template.loader import render_to_string

    from stint.applications import selectors

    a = apply(alice, published_opportunity)
    apply(frank, published_opportunity)
    services.application_shortlist(actor=bob, application_id=a.pk)
    services.offer_make(actor=bob, application_id=a.pk)
    html = render_to_string(
        "applications/_dashboard_candidate.html", {"cd": selectors.dashboard_candidate(alice)}
    )
    assert "Offers waiting for your answer" in html and "$500.00" in html
    html = render_to_string(
        "applications/_dashboard_employer.html", {"rows": selectors.dashboard_employer(bob)}
    )
    assert "Data cleanup" in html and "1 new" in html
    stats = selectors.employer_response_stats(published_opportunity.employer)
    html = render_to_string(
        "applications/_response_stats.html", {"stats": stats, "employer_name": "Acme"}
    )
    assert "median" in html
    html = render_to_string(
        "applications/_invite_button.html",
        {"opportunity": published_opportunity, "candidate": frank},
    )
    assert f'value="{frank.pk}"' in html
