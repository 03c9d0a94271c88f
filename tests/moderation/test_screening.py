"""Publishing runs the posting screen (opportunities' own rules); flagged postings
wait for a platform admin's review in moderation."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from stint.accounts.models import User
from stint.audit.models import AuditEntry
from stint.core.errors import ConflictError, DomainError
from stint.moderation import services
from stint.moderation.models import PostingReview
from stint.opportunities import services as opportunity_services
from stint.opportunities.models import Opportunity
from stint.opportunities.selectors import BrowseQuery, browse

pytestmark = pytest.mark.django_db


def test_publishing_keeps_every_flag_of_the_screen_with_its_field(
    make_posting: Callable[..., Opportunity],
) -> None:
    o = make_posting(deliverables="TBD", title="Unpaid data intern")
    assert o.status == "in_review" and o.published_at is None
    by_code = {f["code"]: f for f in o.review_flags}
    assert by_code["deliverables_missing"]["field"] == "deliverables"
    assert by_code["unpaid_wording"]["field"] == "title"
    assert set(by_code["unpaid_wording"]) == {"code", "field", "message"}


def test_a_clean_posting_publishes_at_once(live_posting: Opportunity) -> None:
    assert live_posting.status == "published" and live_posting.review_flags == []


def test_a_flagged_posting_waits_and_an_admin_approves(
    alice: User, bob: User, root: User, make_posting: Callable[..., Opportunity]
) -> None:
    o = make_posting(summary="Great project. Contact me on WhatsApp +44 7700 900123 to start.")
    assert o.status == "in_review"
    codes = {f["code"] for f in o.review_flags}
    assert {"contact_messaging_app", "contact_phone"} <= codes
    assert o not in browse(alice, BrowseQuery())
    # The employer cannot publish around the review.
    with pytest.raises(ConflictError):
        opportunity_services.opportunity_publish(actor=bob, opportunity_id=o.pk)
    services.posting_review_approve(actor=root, opportunity_id=o.pk)
    o.refresh_from_db()
    assert o.status == "published" and o.published_at is not None
    assert o in browse(alice, BrowseQuery())
    assert PostingReview.objects.get(opportunity=o).decision == "approved"
    assert AuditEntry.objects.filter(action="posting.approved", target_id=str(o.pk)).exists()


def test_refusal_sends_it_back_to_draft_with_the_reason(
    bob: User,
    root: User,
    make_posting: Callable[..., Opportunity],
    client_for: Callable[[User | None], Client],
) -> None:
    o = make_posting(summary="Female candidates only, please. We build a shop dashboard.")
    assert o.status == "in_review"
    r = client_for(root).post(f"/moderation/postings/{o.pk}/refuse/", {"reason": ""})
    o.refresh_from_db()
    assert r.status_code == 302 and o.status == "in_review"  # nothing changed
    with pytest.raises(DomainError) as e:
        services.posting_review_refuse(actor=root, opportunity_id=o.pk, reason="")
    assert e.value.field == "reason"
    services.posting_review_refuse(
        actor=root, opportunity_id=o.pk, reason="Remove the gender requirement."
    )
    o.refresh_from_db()
    assert o.status == "draft"
    note = bob.notifications.get(kind="moderation.posting")
    assert "gender requirement" in note.body
    # Fixed and published again: screened again, and now clean.
    opportunity_services.opportunity_update(
        actor=bob,
        opportunity_id=o.pk,
        posting=opportunity_services.posting_of(o).__class__(
            **{
                **opportunity_services.posting_of(o).__dict__,
                "summary": "We build a shop dashboard for our team.",
            }
        ),
    )
    o = opportunity_services.opportunity_publish(actor=bob, opportunity_id=o.pk)
    assert o.status == "published"


def test_the_api_shows_held_postings_to_admins_only(
    bob: User,
    root: User,
    make_posting: Callable[..., Opportunity],
    api_for: Callable[[User | None], Client],
) -> None:
    o = make_posting(deliverables="")
    assert o.status == "in_review"
    assert api_for(bob).get("/api/v1/moderation/postings").status_code == 404
    r = api_for(root).get("/api/v1/moderation/postings")
    assert r.status_code == 200 and r.json()["items"][0]["id"] == o.pk
    r = api_for(root).post(f"/api/v1/moderation/postings/{o.pk}/approve")
    assert r.status_code == 200 and r.json()["status"] == "published"
