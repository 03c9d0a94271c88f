"""Issue 15, item 13: an employer finds the proposals addressed to it (and only those)
in the API and on its program page, and the notification leads to the entry where
it agrees or declines."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from stint.accounts.models import User
from stint.notifications.models import Notification
from stint.opportunities.models import Opportunity
from stint.programs import services
from stint.programs.models import Program, ProgramOpportunity

pytestmark = pytest.mark.django_db


@pytest.fixture
def proposed(
    program: Program, dana: User, opportunities: list[Opportunity]
) -> list[ProgramOpportunity]:
    """The institution proposes Acme's two postings and Globex's one; nobody answered yet."""
    return [
        services.entry_propose(actor=dana, program_id=program.pk, opportunity_id=o.pk, openings=1)
        for o in opportunities
    ]


def test_an_employer_lists_the_proposals_addressed_to_it_and_only_those(
    program: Program,
    proposed: list[ProgramOpportunity],
    bob: User,
    carol: User,
    dana: User,
    api_for: Callable[[User], Client],
) -> None:
    acme_a, acme_b, globex = proposed
    url = f"/api/v1/programs/{program.pk}/opportunities"
    mine = api_for(bob).get(url)
    assert mine.status_code == 200
    assert [(e["id"], e["status"], e["can_decide"]) for e in mine.json()] == [
        (acme_a.pk, "proposed", True),
        (acme_b.pk, "proposed", True),
    ]
    assert [e["id"] for e in api_for(carol).get(url).json()] == [globex.pk]
    staff = api_for(dana).get(url).json()
    assert len(staff) == 3 and not any(e["can_decide"] for e in staff)  # staff proposed them
    r = api_for(bob).post(
        f"/api/v1/programs/opportunities/{acme_a.pk}/decision",
        {"accept": True},
        content_type="application/json",
    )
    assert r.status_code == 200 and r.json()["status"] == "accepted"
    after = {e["id"]: e for e in api_for(bob).get(url).json()}
    assert after[acme_a.pk]["can_decide"] is False and after[acme_b.pk]["can_decide"] is True


def test_a_student_sees_agreed_entries_only(
    program: Program,
    proposed: list[ProgramOpportunity],
    bob: User,
    dana: User,
    affiliated: Callable[[str], User],
    api_for: Callable[[User], Client],
) -> None:
    sam = affiliated("sam")
    services.cohort_add(actor=dana, program_id=program.pk, student_ids=[sam.pk])
    services.entry_decide(actor=bob, entry_id=proposed[0].pk, accept=True)
    listed = api_for(sam).get(f"/api/v1/programs/{program.pk}/opportunities").json()
    assert [e["id"] for e in listed] == [proposed[0].pk]


def test_the_notification_leads_to_the_entry_to_agree_or_decline(
    program: Program,
    proposed: list[ProgramOpportunity],
    bob: User,
    carol: User,
    client_for: Callable[[User], Client],
) -> None:
    acme_a, acme_b, globex = proposed
    page_url = f"/programs/{program.pk}/employer/"

    def links(user: User) -> set[str]:
        return set(
            Notification.objects.filter(user=user, kind="program.proposal").values_list(
                "url", flat=True
            )
        )

    assert links(bob) == {f"{page_url}#e-{acme_a.pk}", f"{page_url}#e-{acme_b.pk}"}
    assert links(carol) == {f"{page_url}#e-{globex.pk}"}
    page: Any = client_for(bob).get(page_url)
    html = page.content.decode()
    assert page.status_code == 200
    assert f'id="e-{acme_a.pk}"' in html and "Agree to take part" in html
    assert "Survey analysis" not in html  # Globex's proposal is not Acme's business
    assert f"/programs/entries/{acme_a.pk}/decide/" in html
