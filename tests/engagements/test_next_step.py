"""Issue 14, no dead ends: every state of an engagement tells each party, on the
page, who must act next — and the party named "you" has the button for it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from stint.accounts.models import User
from stint.engagements import rules, services
from stint.engagements.models import Engagement

pytestmark = pytest.mark.django_db

STATES = [
    "unfunded",
    "funded",
    "in_progress",
    "submitted",
    "changes_requested",
    "paid",
    "cancelled",
    "disputed",
    "resolved",
]


# (status, side, funded) → the control the one who must act finds on the page.
BUTTONS = {
    ("funded", "employer", False): "Check the payment method</a>",
    ("funded", "candidate", True): "Start the work</button>",
    ("in_progress", "candidate", True): "Submit deliverables</a>",
    ("changes_requested", "candidate", True): "Submit deliverables</a>",
    ("submitted", "employer", True): "Review the submission</a>",
}


def walk(state: str, e: Engagement, alice: User, bob: User, root: User) -> Engagement:
    if state == "unfunded":
        Engagement.objects.filter(pk=e.pk).update(funded_at=None)
    elif state == "cancelled":
        services.engagement_cancel(actor=bob, engagement_id=e.pk, reason="Plans changed")
    elif state != "funded":
        services.engagement_start(actor=alice, engagement_id=e.pk)
        if state in ("disputed", "resolved"):
            services.dispute_open(actor=alice, engagement_id=e.pk, statement="No answers at all.")
            if state == "resolved":
                services.dispute_resolve(
                    actor=root, engagement_id=e.pk, to_candidate_minor=10_000, resolution="Split."
                )
        elif state != "in_progress":
            services.submission_create(actor=alice, engagement_id=e.pk, text="v1")
            if state == "changes_requested":
                services.submission_request_changes(
                    actor=bob, engagement_id=e.pk, comments="Add the chart."
                )
            elif state == "paid":
                services.submission_approve(actor=bob, engagement_id=e.pk)
    return Engagement.objects.get(pk=e.pk)


@pytest.mark.parametrize("state", STATES)
def test_every_engagement_state_says_who_acts_next(
    state: str,
    engagement: Engagement,
    alice: User,
    bob: User,
    root: User,
    client_for: Callable[[User | None], Client],
    api_for: Callable[[User | None], Client],
    settings: Any,
) -> None:
    e = walk(state, engagement, alice, bob, root)
    expected_status = "funded" if state == "unfunded" else state
    assert e.status == expected_status
    for user, side in ((alice, "candidate"), (bob, "employer")):
        html = client_for(user).get(f"/engagements/{e.pk}/").content.decode()
        sentence = rules.next_step(
            status=e.status,
            side=side,
            employer=e.employer.name,
            candidate=e.candidate.display_name,
            funded=e.funded_at is not None,
        )
        assert "What happens next:" in html
        assert sentence.replace("'", "&#x27;") in html, (state, side)
        # The API twin says the same, for the same reader.
        api = api_for(user).get(f"/api/v1/engagements/{e.pk}").json()
        assert api["next_step"] == sentence, (state, side)
        if sentence.startswith("Waiting for you"):
            # The one who must act has the way to act on the page.
            button = BUTTONS.get((e.status, side, e.funded_at is not None))
            assert button is not None and button in html, (state, side)
