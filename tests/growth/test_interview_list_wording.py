"""Issue 14 item 15: a candidate's interview list names the employer they meet,
not a "Candidate" column holding their own name."""

from __future__ import annotations

from datetime import UTC, timedelta
from typing import Any

import pytest
from django.utils import timezone

from stint.accounts.models import User
from stint.applications import interviews as services
from stint.applications.models import Application

pytestmark = pytest.mark.django_db


def test_each_side_sees_the_other_party(
    shortlisted: Application, bob: User, alice: User, client_for: Any
) -> None:
    soon = (timezone.now().astimezone(UTC) + timedelta(days=2)).replace(minute=0, second=0)
    services.interview_propose(
        actor=bob, application_id=shortlisted.pk, slots=[soon], time_zone="Europe/Berlin"
    )
    mine = client_for(alice).get("/growth/interviews/").content.decode()
    assert ">With</th>" in mine and ">Candidate</th>" not in mine
    row = mine[mine.index("<tbody>") :]
    assert shortlisted.opportunity.employer.name in row and alice.display_name not in row
    theirs = client_for(bob).get("/growth/interviews/").content.decode()
    assert alice.display_name in theirs[theirs.index("<tbody>") :]
