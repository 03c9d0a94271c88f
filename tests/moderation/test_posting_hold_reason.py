"""Issue 14 item 17: a posting held for review says why on the posting page and
in the API answer to the publish, and a refusal's reason stays on the page."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from stint.accounts.models import User
from stint.moderation import services
from stint.opportunities import services as opportunity_services
from stint.opportunities.models import Opportunity
from stint.orgs.models import Organisation

from .conftest import posting

pytestmark = pytest.mark.django_db
HELD = "Great project. Contact me on WhatsApp +44 7700 900123 to start."


def test_api_publish_answer_says_why_it_is_held(
    bob: User, verified_acme: Organisation, api_for: Callable[[User | None], Client]
) -> None:
    draft = opportunity_services.opportunity_create(
        actor=bob, organisation_id=verified_acme.pk, posting=posting(summary=HELD)
    )
    r = api_for(bob).post(
        f"/api/v1/opportunities/{draft.pk}/status",
        {"status": "published"},
        content_type="application/json",
    )
    assert r.status_code == 200, r.content
    body = r.json()
    assert body["status"] == "in_review"
    review = body["review"]
    assert review["status"] == "in_review" and review["reasons"]
    assert all(x["message"] for x in review["reasons"])
    assert "platform admin" in review["next_step"]


def test_page_says_why_and_keeps_the_refusal_reason(
    bob: User,
    root: User,
    eve: User,
    make_posting: Callable[..., Opportunity],
    client_for: Callable[[User | None], Client],
    api_for: Callable[[User | None], Client],
) -> None:
    o = make_posting(summary=HELD)
    held = Opportunity.objects.get(pk=o.pk)
    page = client_for(bob).get(f"/opportunities/{o.pk}/").content.decode()
    assert 'id="posting-hold"' in page and "Held for review." in page
    assert held.review_flags[0]["message"] in page
    services.posting_review_refuse(
        actor=root, opportunity_id=o.pk, reason="Keep contact details on Stint, please."
    )
    page = client_for(bob).get(f"/opportunities/{o.pk}/").content.decode()
    assert "Keep contact details on Stint, please." in page and "publish again" in page
    body = api_for(bob).get(f"/api/v1/opportunities/{o.pk}").json()
    assert body["review"]["status"] == "refused"
    assert body["review"]["refusal_reason"] == "Keep contact details on Stint, please."
    # Outsiders never see drafts, let alone the reasons.
    assert client_for(eve).get(f"/opportunities/{o.pk}/").status_code == 404


def test_queue_shows_reasons_in_words_not_codes(
    root: User,
    make_posting: Callable[..., Opportunity],
    client_for: Callable[[User | None], Client],
) -> None:
    o = make_posting(summary=HELD)
    flag = Opportunity.objects.get(pk=o.pk).review_flags[0]
    queue = client_for(root).get("/moderation/").content.decode()
    assert flag["message"] in queue and f"{flag['code']}" not in queue
