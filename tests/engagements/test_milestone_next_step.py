"""Issue 14, no dead ends, per milestone: in every milestone state each party's row
offers the action or says who acts next (the waiting side used to see only a badge)."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from django.test import Client

from stint.accounts.models import User
from stint.engagements import services
from stint.engagements.models import Engagement, Milestone

pytestmark = pytest.mark.django_db


def _row(html: str, milestone: Milestone) -> str:
    start = html.index(f'id="milestone-{milestone.pk}"')
    return html[start : html.index("</tr>", start)]


@pytest.mark.parametrize("state", ["pending", "submitted", "changes_requested", "approved"])
def test_every_milestone_state_says_who_acts_next(
    state: str,
    milestoned: Engagement,
    alice: User,
    bob: User,
    client_for: Callable[[User | None], Client],
) -> None:
    first = milestoned.milestones.order_by("position").first()
    assert first is not None
    if state != "pending":
        services.submission_create(
            actor=alice, engagement_id=milestoned.pk, text="part one", milestone_id=first.pk
        )
    if state == "changes_requested":
        services.submission_request_changes(
            actor=bob, engagement_id=milestoned.pk, comments="More", milestone_id=first.pk
        )
    elif state == "approved":
        services.submission_approve(actor=bob, engagement_id=milestoned.pk, milestone_id=first.pk)
    first.refresh_from_db()
    assert first.status == state
    for user in (alice, bob):
        row = _row(client_for(user).get(f"/engagements/{milestoned.pk}/").content.decode(), first)
        acts = re.search(r'class="button"[^>]*>(Submit|Review)<', row)
        says = re.search(r'class="milestone-next">(Waiting for [^<]+|Done:[^<]+)<', row)
        assert acts or says, (state, user.email, row)
        if says and says.group(1).startswith("Waiting for"):
            other = "Acme" if user == alice else alice.display_name
            assert other.split()[0] in says.group(1), (state, says.group(1))
